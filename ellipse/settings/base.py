"""Base settings, read from the environment (12-factor) with safe defaults.

With no environment at all, Ellipse runs embedded: SQLite in ``var/``, Celery tasks run eagerly
in-process, e-mails are written as files in ``var/mail/``. ``DEBUG`` is off unless asked for.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 30)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "ellipse.accounts",
    "ellipse.core.admin_apps.EllipseAdminConfig",  # django.contrib.admin, its site cached
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "import_export",
    "phonenumber_field",
    "django_htmx",
    "ellipse.core",
    "ellipse.editions",
    "ellipse.outbox",
    "buyers",
    "companies",
    "meetings",
    "meetings.invitations",
    "trainings",
    "spaser",
    "spaser.sourcing",
    # PostgreSQL lookups (unaccent) for searches that ignore accents; inert on SQLite.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ellipse.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ellipse.urls"
WSGI_APPLICATION = "ellipse.wsgi.application"

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
                "ellipse.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ellipse.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail is the only login, verified before use; code login for those who forget
# their password; allauth's own rate limits stay on (defaults, plus a stricter failed-login rule).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "confirm_email": "1/3m/key",
    "login": "30/m/ip",
}
ACCOUNT_ADAPTER = "ellipse.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ellipse] "
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "space"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
if DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# Uploads: forecasts and imports are small spreadsheets; anything larger is refused.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ELLIPSE_UPLOAD_MAX_BYTES = env.int("ELLIPSE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Spreadsheets read (ellipse.core.spreadsheets): rows and columns read at most, per kind of file,
# and the uncompressed size of any member of an XLSX archive (a zip bomb is refused unopened).
ELLIPSE_IMPORT_MAX_ROWS = env.int("ELLIPSE_IMPORT_MAX_ROWS", default=10_000)
ELLIPSE_IMPORT_MAX_COLUMNS = env.int("ELLIPSE_IMPORT_MAX_COLUMNS", default=60)
ELLIPSE_FORECAST_MAX_ROWS = env.int("ELLIPSE_FORECAST_MAX_ROWS", default=10_000)
ELLIPSE_FORECAST_MAX_COLUMNS = env.int("ELLIPSE_FORECAST_MAX_COLUMNS", default=60)
ELLIPSE_CPV_MAX_ROWS = env.int("ELLIPSE_CPV_MAX_ROWS", default=20_000)
# Forecast files from this size up are checked and imported by a Celery task with progress.
ELLIPSE_FORECAST_BACKGROUND_BYTES = env.int("ELLIPSE_FORECAST_BACKGROUND_BYTES", default=256 * 1024)
ELLIPSE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env.int(
    "ELLIPSE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES", default=10 * ELLIPSE_UPLOAD_MAX_BYTES
)

# E-mail: files in var/mail by default (open them with any mail reader); SMTP by EMAIL_URL.
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Ellipse — Est Ensemble <ellipse@est-ensemble.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# Redis: Celery broker, result backend and cache. Absent: tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="ellipse")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Nobody reads task results (the state is in the database): sending a task then never touches
# the result backend, whose consumer a Redis outage would break until the process restarts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE: dict = {
    # Invitations: reminders 7 days and 1 day before the convention (idempotent, dedup keys).
    "invitations-reminders": {
        "task": "meetings.invitations.tasks.reminders_send_due",
        "schedule": 60 * 60 * 6,
    },
    # Invitations: notify the changes made to a published schedule (MeetingChange rows).
    "invitations-schedule-changes": {
        "task": "meetings.invitations.tasks.schedule_changes_notify_all",
        "schedule": 60 * 5,
    },
    # Invitations: queue again the chains a lost worker left waiting for their agenda.
    "invitations-sweep": {
        "task": "meetings.invitations.tasks.invitations_sweep",
        "schedule": 60 * 10,
    },
    # Outbox: queue again the e-mails a lost worker left pending or stuck in sending.
    "outbox-sweep": {"task": "ellipse.outbox.tasks.outbox_sweep", "schedule": 60 * 10},
    # Trainings: lapsed waiting-list offers go to the next person (idempotent).
    "trainings-offers-expire": {
        "task": "trainings.tasks.offers_expire_task",
        "schedule": 60 * 10,
    },
    # Trainings: reminders 7 days and 1 day before each session (dedup keys).
    "trainings-reminders": {"task": "trainings.tasks.reminders_send_task", "schedule": 60 * 60},
    # Trainings: certificates e-mails a lost worker left without their PDF.
    "trainings-certificates-sweep": {
        "task": "trainings.tasks.certificates_sweep_task",
        "schedule": 60 * 15,
    },
    # Buyers: delete the forecast files of previews never confirmed (kept one day).
    "buyers-uploads-purge": {
        "task": "buyers.tasks.forecast_uploads_purge",
        "schedule": 60 * 60 * 6,
    },
}

# The cache may live in a Redis of its own (production: a memory-bounded LRU instance,
# docker-compose.yml), apart from the broker's queues, which must never be evicted.
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL)
if CACHE_REDIS_URL:
    from .release import code_digest

    CACHES = {
        "default": {
            # Degrades open: a Redis outage logs and misses, it never fails a request.
            "BACKEND": "ellipse.core.cache.ResilientRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="ellipse"),
            # A new release never reads the fragments and stamps of another (release.py).
            "VERSION": env("CACHE_VERSION", default=code_digest(BASE_DIR)),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# django-import-export: validate models on import, one transaction per import.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Where reference data lives when a test or a command wants the real files.
ELLIPSE_SHARED_DATA_DIR = env.path(
    "ELLIPSE_SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Company registration: attempts (form posts) allowed per client address and hour; over it the
# page answers 429. The count lives in the cache; with the cache down the limit is not applied.
COMPANY_REGISTRATION_ATTEMPTS_PER_HOUR = env.int(
    "COMPANY_REGISTRATION_ATTEMPTS_PER_HOUR", default=20
)
# Content-Security-Policy (django-csp): everything from this origin only, no inline script or
# style, no framing. A view that shows foreign HTML (the e-mail preview) narrows or widens it
# with django-csp's decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no powerful feature is used by any page.
PERMISSIONS_POLICY: dict[str, list] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# Reverse proxies in front of the application whose X-Forwarded-For is believed (0: none, the
# application is reached directly). Read by allauth's rate limits and ellipse.core.ratelimit.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CSRF_FAILURE_VIEW = "ellipse.core.errors.csrf_failure"
# Buyers' sourcing (spaser.sourcing): advice thresholds (docs/sourcing.md) and meeting outcomes.
SOURCING_RESERVE_MIN_SUPPLIERS = env.int("SOURCING_RESERVE_MIN_SUPPLIERS", default=3)
SOURCING_SPLIT_MIN_AMOUNT = env.int("SOURCING_SPLIT_MIN_AMOUNT", default=200_000)  # € HT
SOURCING_SPLIT_SMALL_SHARE = env.float("SOURCING_SPLIT_SMALL_SHARE", default=0.5)
SOURCING_INSERTION_MIN_AMOUNT = env.int("SOURCING_INSERTION_MIN_AMOUNT", default=40_000)  # € HT
SOURCING_FEW_SUPPLIERS = env.int("SOURCING_FEW_SUPPLIERS", default=3)
SOURCING_OUTCOME_EDIT_DAYS = env.int("SOURCING_OUTCOME_EDIT_DAYS", default=30)
SOURCING_OUTCOME_REMINDER_DAYS = env.int("SOURCING_OUTCOME_REMINDER_DAYS", default=7)
SOURCING_DIRECTORY_PAGE_SIZE = 20
CELERY_BEAT_SCHEDULE["sourcing-outcome-reminders"] = {
    "task": "spaser.sourcing.tasks.outcome_reminders_send_due",
    "schedule": 60 * 60 * 6,
}
