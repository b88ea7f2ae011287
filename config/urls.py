from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = f"{settings.COUNCIL_NAME}: programme office"
admin.site.site_title = "Programme office"


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK-style messages: say what to do, not what went wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


urlpatterns = [
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
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
