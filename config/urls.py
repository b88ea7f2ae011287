from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from programmes.health import healthz

from .signin import SignInForm

admin.site.site_header = f"{settings.COUNCIL_NAME}: programme office"
admin.site.site_title = "Programme office"


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True,
            extra_context={"single_sign_on": settings.SINGLE_SIGN_ON},
        ),
        name="login",
    ),
    # Django's LogoutView accepts POST only; the header's sign-out button is a form.
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="logged_out"), name="logout"),
    path(
        "accounts/signed-out/",
        TemplateView.as_view(template_name="registration/logged_out.html"),
        name="logged_out",
    ),
    path("", include("dashboards.urls")),
    path("", include("actionplans.urls")),
    path("", include("governance.urls")),
    path("", include("governance.rounds.urls")),
    path("manage/", include("actionplans.setup_urls")),
    path("manage/", include("programmes.urls")),
]

if settings.SINGLE_SIGN_ON:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
