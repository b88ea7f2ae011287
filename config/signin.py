"""The sign-in form and what a locked-out person is told (django-axes calls `locked_out`)."""

from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

LOCKED_OUT = (
    "You have entered the wrong password too many times. Wait 15 minutes, then try again. "
    "If you have forgotten your password, ask your programme office."
)


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


def locked_out(request, response=None, credentials=None):
    """The sign-in page again, saying plainly why and for how long; 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = SignInForm(request, initial={"username": username})
    context = {"form": form, "locked_out": LOCKED_OUT}
    return render(request, "registration/login.html", context, status=429)
