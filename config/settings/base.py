"""Settings shared by every environment; each other module starts `from .base import *`."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The council's name is shown in the header, page titles and exported documents.
COUNCIL_NAME = env("COUNCIL_NAME", default="Demo Borough Council")
# Where the site is, for links in e-mails (which have no request to take it from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "programmes.apps.StaticFilesConfig",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "django_htmx",
    "template_partials",
    "import_export",
    "csp",
    "axes",
]
LOCAL_APPS = [
    "programmes",
    "actionplans",
    "governance",
    "dashboards",
    "fixtures",  # the demo and scale data sets, at the top: nothing imports them
]
# First: Django's createsuperuser and changepassword, audited (programmes/accounts), run instead of auth's.
INSTALLED_APPS = ["programmes.accounts", *DJANGO_APPS, *THIRD_PARTY_APPS, *LOCAL_APPS]

# The header middleware sit outside WhiteNoise and CommonMiddleware, so static files and the
# 400 for a bad host get their headers too.
MIDDLEWARE = [
    "programmes.middleware.RequestIdMiddleware",
    "programmes.middleware.ResponseHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "programmes.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programmes.context_processors.council",
            ],
        },
    },
]

# SQLite only so that `make run` works on a bare machine; PostgreSQL everywhere that matters.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before a password is checked.
AUTHENTICATION_BACKENDS = [
    "programmes.auth.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked out after 5 failures within 15 minutes for the same username from the same address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.signin.locked_out"
# Behind the proxy (README) the client's address is the last one the proxy added.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env.int("AXES_PROXY_COUNT", default=0) else ["REMOTE_ADDR"]
)

# Optional single sign-on by OpenID Connect (Microsoft Entra ID or any provider), on when
# OIDC_RP_CLIENT_ID is set; local accounts keep working beside it. README lists the variables.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
SINGLE_SIGN_ON = bool(OIDC_RP_CLIENT_ID)
if SINGLE_SIGN_ON:
    INSTALLED_APPS += ["mozilla_django_oidc"]
    AUTHENTICATION_BACKENDS.insert(1, "programmes.auth.CouncilOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
    OIDC_TIMEOUT = 10
# Roles from the provider's groups claim, e.g. "<group id>=officer,<group id>=leadership";
# empty: roles are given in the admin.
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
OIDC_GROUP_ROLES = env.dict("OIDC_GROUP_ROLES", default={})

# Sessions end after 30 minutes idle (the session's expiry moves on with use,
# programmes.middleware.SessionLimitsMiddleware) and 12 hours after signing in at most.
SESSION_COOKIE_AGE = 30 * 60
SESSION_IDLE_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# UK dates everywhere: 30 March 2025.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

# Uploads: the import checks its own limit before parsing; these bound the request itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Reports of a programme with more actions than this are made by a Celery task, with a progress bar.
REPORTS_BACKGROUND_ROWS = env.int("REPORTS_BACKGROUND_ROWS", default=1000)
# Files made in the background are kept for their requester this many days, then deleted (nightly).
REPORT_RUNS_KEPT_DAYS = env.int("REPORT_RUNS_KEPT_DAYS", default=7)

# Retention (README "Retention", ADR 0014), applied nightly by governance.pseudonymise_leavers:
# people who left this many days ago are pseudonymised (two years: the programme office's questions
# about a year's decisions are answered by then) ...
RETENTION_LEFT_PEOPLE_DAYS = env.int("RETENTION_LEFT_PEOPLE_DAYS", default=730)
# ... an import's uploaded file is deleted this many days after the import finished ...
RETENTION_IMPORT_FILES_DAYS = env.int("RETENTION_IMPORT_FILES_DAYS", default=30)
# ... and a failed sign-in's network address and the username tried, this many days after it.
RETENTION_SIGN_IN_ADDRESSES_DAYS = env.int("RETENTION_SIGN_IN_ADDRESSES_DAYS", default=90)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Only our own files, no inline script without the page's nonce, no inline style at all, no eval
# (htmx is told so by the htmx-config meta tag in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
# No page needs a camera, a microphone, a location or payments.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "usb",
        "xr-spatial-tracking",
    )
}

# Celery: tasks run in-process when there is no broker, so a bare machine still works.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    "recompute-all-programmes-nightly": {
        "task": "actionplans.tasks.recompute_all_programmes",
        "schedule": crontab(hour=2, minute=15),
    },
    "send-round-reminders-daily": {  # each open update round's digests and reminders due today, once each
        "task": "governance.rounds.send_due",
        "schedule": crontab(hour=7, minute=0),
    },
    "forget-old-report-runs-nightly": {
        "task": "dashboards.forget_old_report_runs",
        "schedule": crontab(hour=3, minute=0),
    },
    "apply-retention-nightly": {  # people who left long ago pseudonymised, old files and addresses gone; once
        "task": "governance.retention.apply",
        "schedule": crontab(hour=3, minute=30),
    },
    "take-due-snapshots-daily": {  # meetings whose cut-off passed and closed periods, frozen once
        "task": "dashboards.take_due_snapshots",
        "schedule": crontab(hour=0, minute=30),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "programmes.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # Production: one JSON object a line, for the council's log collector.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint and fontTools narrate every step of a PDF at INFO: only their warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
