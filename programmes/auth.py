"""Sign-in: the throttle in front of the password check, and the optional OpenID Connect backend."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .audit import Channel
from .roles import ALL_ROLES
from .services import user_set_roles


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes for sign-ins over HTTP. Without a request (a management command, the test
    client's login) there is no address to throttle, so it stands aside."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def roles_from_claims(claims: dict) -> set[str] | None:
    """The roles a person's groups claim gives, through OIDC_GROUP_ROLES ({group id: role}).
    None when no mapping is configured: roles are then managed in the admin."""
    mapping = getattr(settings, "OIDC_GROUP_ROLES", {})
    if not mapping:
        return None
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return {mapping[g] for g in groups if mapping.get(g) in ALL_ROLES}


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """Microsoft Entra ID (or any OpenID Connect provider): people are matched by email, given
    their names, and, when OIDC_GROUP_ROLES is set, their roles from the groups claim."""

    def create_user(self, claims):
        user = super().create_user(claims)
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.save(update_fields=["first_name", "last_name"])
        roles = roles_from_claims(claims)
        if roles is not None:
            user_set_roles(user=user, roles=roles, by=None, channel=Channel.SIGN_IN)
        return user
