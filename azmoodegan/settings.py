"""Azmoodegan settings, read from the environment (one deployment shape).

Every variable is documented in `.env.example` and the README. With no `DATABASE_URL` or
`REDIS_URL`, run the project through `python -m azmoodegan.launcher`, which starts private
PostgreSQL and Redis servers under `.data/` and sets both variables before Django starts.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or ("dev-insecure-key-only-for-local-use" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "azmoodegan",
    "accounts",
    "services",
    "search",
    "orders",
    "escrow",
    "reviews",
    "messaging",
    "buyer_requests",
    "notifications",
    "home",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "azmoodegan.middleware.CSPMiddleware",  # django-csp's, the policy built once
    "azmoodegan.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "azmoodegan.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "azmoodegan.nul.NulByteMiddleware",
]

ROOT_URLCONF = "azmoodegan.urls"
WSGI_APPLICATION = "azmoodegan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "azmoodegan.template_backend.DjangoTemplates",  # Django's (see its check)
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "azmoodegan.context_processors.site",
            ],
            "builtins": ["azmoodegan.templatetags.persian", "azmoodegan.templatetags.forms",
                         "azmoodegan.templatetags.inheritance"],  # its `extends` replaces Django's
            # `{% load static %}` and `{% load i18n %}`: Django's tags, with each static file's URL and each
            # constant `{% translate %}` worked out once per process (and language).
            "libraries": {"static": "azmoodegan.templatetags.static_urls", "i18n": "azmoodegan.templatetags.i18n_memo"},
        },
    }
]

# --- Database and cache -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    raise RuntimeError(
        "DATABASE_URL is not set. Start through `make run` / `make test` (the launcher starts an "
        "embedded PostgreSQL) or set DATABASE_URL."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if not REDIS_URL:
    raise RuntimeError("REDIS_URL is not set. Start through `make run` / `make test` or set REDIS_URL.")
CACHES = {
    "default": {
        "BACKEND": "azmoodegan.redis_cache.RedisCache",  # Django's, reusing its Redis client
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "az"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Whole-page cache of public pages for anonymous visitors (azmoodegan/pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, with the expert profile joined (one query per request)
    "azmoodegan.auth_backends.ModelBackend",
    "azmoodegan.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "azmoodegan.password_validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
# Signup says plainly that an email is taken (the issue asks for the message beside the field).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "آزمودگان | "
# Password reset answers the same whether or not the email is registered.
ACCOUNT_FORMS = {"reset_password": "azmoodegan.account_forms.NeutralResetPasswordForm"}
ACCOUNT_SIGNUP_FORM_CLASS = "azmoodegan.signup_form.SignupNameForm"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Azmoodegan"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Persian is the site's language for everyone (azmoodegan.middleware.PersianFirstLocaleMiddleware).
# English is offered in the footer only when it is complete; until then the selector is hidden.
LANGUAGE_SELECTOR = env_bool("LANGUAGE_SELECTOR", False)
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "private")))
# Static files are hashed and compressed in production; tests and development read them from
# the source folders so no collectstatic run is needed.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
if not STATIC_MANIFEST:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise wants it even when serving from finders

S3_BUCKET = env("S3_BUCKET") or env("AWS_STORAGE_BUCKET_NAME")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "access_key": env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
        "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
        "file_overwrite": False,
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "public", "querystring_auth": False, "default_acl": None},
    }
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "private", "querystring_auth": True, "querystring_expire": 300},
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-not-served/"},
    }
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Private files are handed to nginx with X-Accel-Redirect when set (e.g. "/protected/").
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Azmoodegan <no-reply@azmoodegan.ir>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / ".data" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "escrow-clear-pending": {
        "task": "escrow.tasks.earnings_clear_task",
        "schedule": crontab(minute=5),
    },
    "escrow-reconcile-payments": {
        "task": "escrow.tasks.payment_reconcile_task",
        "schedule": crontab(minute="*/10"),
    },
    "home-flush-service-counters": {
        "task": "home.tasks.flush_service_counters",
        "schedule": crontab(minute="*/5"),
    },
    "outbox-drain": {
        "task": "outbox.tasks.drain_task",
        "schedule": 60.0,
    },
    "escrow-payout-dispatch": {
        "task": "escrow.tasks.payout_dispatch_task",
        "schedule": crontab(minute="*/30"),
    },
    "orders-expire-unpaid": {
        "task": "orders.tasks.order_expire_unpaid_task",
        "schedule": crontab(minute="*/15"),
    },
    "orders-cancellation-lapse": {
        "task": "orders.tasks.order_cancellation_lapse_task",
        "schedule": crontab(minute="*/15"),
    },
    "orders-auto-complete-delivered": {
        "task": "orders.tasks.order_auto_complete_task",
        "schedule": crontab(minute="*/30"),
    },
    # reviews: publish reviews whose window closed, remind 3 days before it closes, levels monthly.
    "reviews-close-windows": {"task": "reviews.tasks.close_review_windows", "schedule": crontab(minute=23)},
    "reviews-send-reminders": {"task": "reviews.tasks.send_review_reminders", "schedule": crontab(minute=41)},
    "reviews-recompute-levels": {
        "task": "reviews.tasks.recompute_levels", "schedule": crontab(minute=7, hour=2, day_of_month=1),
    },
    "search-rebuild-vocabulary": {
        "task": "search.tasks.rebuild_vocabulary",
        "schedule": crontab(minute=40, hour=4),
    },
    # buyer_requests
    "requests-expire": {"task": "buyer_requests.tasks.requests_expire_task", "schedule": crontab(minute="*/15")},
    "requests-warn-expiring": {"task": "buyer_requests.tasks.requests_warn_expiring_task", "schedule": crontab(minute=40)},
    "requests-daily-digest": {"task": "buyer_requests.tasks.requests_digest_task", "schedule": crontab(minute=0, hour=5)},
}
# Messaging: response statistics; notifications: the grouped email of notices still unread.
CELERY_BEAT_SCHEDULE |= {
    "messaging-response-stats": {"task": "messaging.tasks.recompute_response_stats", "schedule": crontab(minute=41)},
    "notifications-email-digest": {"task": "notifications.tasks.send_digests", "schedule": crontab(minute="*")},
}
NOTIFICATION_DIGEST_DELAY_MINUTES = env_int("NOTIFICATION_DIGEST_DELAY_MINUTES", 5)

# --- Marketplace rules (DESIGN.md §3, §4, §7) ---------------------------------------------------
# Production never takes fake money: with DEBUG off the gateway must be named (like SECRET_KEY),
# and the deploy check refuses `sandbox` unless ALLOW_SANDBOX_PAYMENTS=1 (a staging site).
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY") or ("sandbox" if DEBUG else "")
if not PAYMENT_GATEWAY:
    raise RuntimeError("PAYMENT_GATEWAY must be set when DEBUG is off (zarinpal; sandbox only for staging).")
ALLOW_SANDBOX_PAYMENTS = env_bool("ALLOW_SANDBOX_PAYMENTS", False)
ZARINPAL_MERCHANT_ID = env("ZARINPAL_MERCHANT_ID")
ZARINPAL_SANDBOX = env_bool("ZARINPAL_SANDBOX", False)
# Empty: the production or sandbox host per ZARINPAL_SANDBOX. Tests point it at a local fake server.
ZARINPAL_BASE_URL = env("ZARINPAL_BASE_URL")
ZARINPAL_STARTPAY_URL = env("ZARINPAL_STARTPAY_URL")
ZARINPAL_TIMEOUT = env_int("ZARINPAL_TIMEOUT", 10)
# Text messages (home/sms): "console" logs them (development, tests); "kavenegar" sends them.
SMS_BACKEND = env("SMS_BACKEND", "console")
KAVENEGAR_API_KEY = env("KAVENEGAR_API_KEY")
KAVENEGAR_TEMPLATE = env("KAVENEGAR_TEMPLATE", "azmoodegan-verify")
KAVENEGAR_BASE_URL = env("KAVENEGAR_BASE_URL")
KAVENEGAR_TIMEOUT = env_int("KAVENEGAR_TIMEOUT", 10)
COMMISSION_PERCENT = env_int("COMMISSION_PERCENT", 10)
BUYER_FEE_PERCENT = env_int("BUYER_FEE_PERCENT", 0)
CLEARANCE_DAYS = env_int("CLEARANCE_DAYS", 3)
# Withdrawals: the smallest amount in Toman, and who pays them out (manual: staff, through a
# group-transfer CSV uploaded to the bank; fake: tests).
WITHDRAWAL_MIN_TOMAN = env_int("WITHDRAWAL_MIN_TOMAN", 100_000)
PAYOUT_PROVIDER = env("PAYOUT_PROVIDER", "manual")
PAYOUT_BATCH_SIZE = env_int("PAYOUT_BATCH_SIZE", 200)
AUTO_COMPLETE_DAYS = env_int("AUTO_COMPLETE_DAYS", 3)
REVIEW_WINDOW_DAYS = env_int("REVIEW_WINDOW_DAYS", 14)
# reviews: reminder before the window closes, the reply's edit period, and expert levels (Fiverr-like).
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 3)
REVIEW_REPLY_EDIT_HOURS = env_int("REVIEW_REPLY_EDIT_HOURS", 24)
LEVEL_PERIOD_DAYS = env_int("LEVEL_PERIOD_DAYS", 60)
EXPERT_LEVELS = {  # each level: days since joining, completed orders (ever), then rating and rates over the period
    "level_1": {"days_active": 60, "completed_orders": 10, "rating": 4.7, "response_rate": 90, "on_time_rate": 90,
                "completion_rate": 90},
    "level_2": {"days_active": 120, "completed_orders": 50, "rating": 4.7, "response_rate": 90, "on_time_rate": 90,
                "completion_rate": 90},
    "top_rated": {"days_active": 180, "completed_orders": 100, "rating": 4.8, "response_rate": 90,
                  "on_time_rate": 95, "completion_rate": 95},
}

# --- Security -----------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Links in emails use the scheme the site is served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_SSL_REDIRECT else "http"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "azmoodegan.errors.csrf_failure"
# Images served from the S3 store (custom domain or endpoint) are allowed by the policy below.
_s3_image_origins = []
if S3_BUCKET:
    if env("S3_CUSTOM_DOMAIN"):
        _s3_image_origins.append("https://" + env("S3_CUSTOM_DOMAIN"))
    elif env("S3_ENDPOINT_URL"):
        _s3_image_origins.append(env("S3_ENDPOINT_URL").rstrip("/"))
    else:
        _s3_image_origins.append(f"https://{S3_BUCKET}.s3.amazonaws.com")
# Content-Security-Policy (django-csp): no inline script anywhere (behaviour lives in static/js/site.js);
# inline style attributes are allowed. The browser tests fail on any violation (tests/conftest.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *env_list("CSP_IMG_SRC"), *_s3_image_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=(), "
    "accelerometer=(), interest-cohort=()"
)
# Pages with personal data or money figures are never stored by browsers or proxies.
NO_STORE_PATH_PREFIXES = ["/orders/", "/dashboard/", "/wallet/", "/inbox/", "/messages/", "/notifications/",
                          "/accounts/", "/requests/", "/pay/"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
