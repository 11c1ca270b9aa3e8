"""Seller Center settings: every knob comes from the environment, with defaults that run
on a laptop with nothing installed (SQLite, local files, a filesystem Celery broker)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SELLERCENTER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# A fixed key only when debugging locally; production must give its own. Without one, commands
# that sign nothing (makemigrations, migrate) still run; the web servers refuse to start
# (sellercenter/wsgi.py, asgi.py) and anything that signs fails with Django's own clear error.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only-insecure-key-do-not-use-in-production" if DEBUG else "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files: the docs work offline
    "django_filters",
    "django_celery_beat",
    "axes",
    "core",
    "accounts",
    "sellers",
    "catalog",
    "orders",
    "fulfillment",
    "evidence",
    "disputes",
    "payments",
    "sales",
    "notifications",
    "api",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sellers.middleware.CurrentSellerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.throttling.RateLimitHeadersMiddleware",
    # last: turns a login refused for too many failures into the lockout answer (accounts.lockout)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sellercenter.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sellers.context_processors.current_seller",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "sellercenter.wsgi.application"
ASGI_APPLICATION = "sellercenter.asgi.application"

# --- Database ---------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat share one file: WAL and a busy timeout avoid "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# an invitation to a seller's team lives this long; its link is one of Django's password-reset
# tokens (salted apart), so PASSWORD_RESET_TIMEOUT follows it
SELLER_INVITATION_DAYS = int(os.environ.get("SELLER_INVITATION_DAYS", "3"))
PASSWORD_RESET_TIMEOUT = SELLER_INVITATION_DAYS * 24 * 3600
# django-axes first: it refuses a locked-out login before any password is checked
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:order_list"
LOGOUT_REDIRECT_URL = "login"

# --- Cache ------------------------------------------------------------------
# The API's rate counters: in Redis when several processes serve the app (production), otherwise in
# the one process's memory (the demo).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["sellercenter.formats"]  # Peru's number format for "es"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    # Private bucket: objects are read through short-lived presigned URLs only.
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
            "file_overwrite": False,
            # evidence: SigV4 URLs carry their expiry in the signature; path style suits MinIO/moto
            "signature_version": "s3v4",
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "object_parameters": (
                {"ServerSideEncryption": os.environ["AWS_S3_SERVER_SIDE_ENCRYPTION"]}
                if os.environ.get("AWS_S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
        },
    }
else:
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        # hashed names need `collectstatic` first; tests and benchmarks skip that step
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# A new seller's contract terms (operators edit each contract in the admin).
CONTRACT_DEFAULTS = {
    "handling_window": timedelta(hours=int(os.environ.get("CONTRACT_HANDLING_HOURS", "24"))),
    "ship_by_window": timedelta(hours=int(os.environ.get("CONTRACT_SHIP_BY_HOURS", "72"))),
    "warning_lead_time": timedelta(hours=int(os.environ.get("CONTRACT_WARNING_HOURS", "4"))),
    "late_handling_penalty_kind": os.environ.get("CONTRACT_LATE_HANDLING_PENALTY_KIND", "fixed"),
    "late_handling_penalty_value": Decimal(os.environ.get("CONTRACT_LATE_HANDLING_PENALTY", "50.00")),
    "late_shipping_penalty_kind": os.environ.get("CONTRACT_LATE_SHIPPING_PENALTY_KIND", "percent"),
    "late_shipping_penalty_value": Decimal(os.environ.get("CONTRACT_LATE_SHIPPING_PENALTY", "10.00")),
    "penalty_currency": os.environ.get("CONTRACT_PENALTY_CURRENCY", "PEN"),
    "penalty_clause": os.environ.get("CONTRACT_PENALTY_CLAUSE", "19"),
    "max_delivery_attempts": int(os.environ.get("CONTRACT_MAX_DELIVERY_ATTEMPTS", "3")),
    # a bank-transfer or payment-link order unpaid this long after the purchase is canceled by beat
    "payment_window": timedelta(hours=int(os.environ.get("CONTRACT_PAYMENT_HOURS", "72"))),
}

# The deadline sweep commits every this many penalties (a killed worker loses at most one batch).
DEADLINE_SWEEP_BATCH_SIZE = int(os.environ.get("DEADLINE_SWEEP_BATCH_SIZE", "10000"))

# Buyer cancellation requests are accepted when unanswered this long; disputes are lost by a
# seller who does not answer within their window; both warn this long before.
CANCELLATION_REQUEST_WINDOW = timedelta(hours=int(os.environ.get("CANCELLATION_REQUEST_HOURS", "72")))
DISPUTE_RESPONSE_WINDOW = timedelta(days=int(os.environ.get("DISPUTE_RESPONSE_DAYS", "5")))
DISPUTES_WARNING_LEAD_TIME = timedelta(hours=int(os.environ.get("DISPUTES_WARNING_HOURS", "24")))

EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# Django's own request-body cap must let a full evidence file (plus form fields) through.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Stock: "stock bajo" when a SKU's available units are at most its own threshold or, without one,
# this default; a bulk upload (CSV/XLSX) is at most this large and this many rows.
STOCK_LOW_THRESHOLD = int(os.environ.get("STOCK_LOW_THRESHOLD", "5"))
STOCK_UPLOAD_MAX_BYTES = int(os.environ.get("STOCK_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
STOCK_UPLOAD_MAX_ROWS = int(os.environ.get("STOCK_UPLOAD_MAX_ROWS", "50000"))

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # the file backend's folder
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Seller Center <no-reply@sellercenter.local>")

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # An embedded broker: two processes exchange messages through one folder, no server needed.
    CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR),
        "store_processed": False,
        # kombu's default is ./control, relative to wherever the worker was started
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["knox.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "UNAUTHENTICATED_USER": None,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

# Requests per credential (device token or integration key) and scope: "N/s", "N/min", "N/hour", "N/day".
API_RATES = {
    "token_read": os.environ.get("API_RATE_TOKEN_READ", "600/min"),
    "token_write": os.environ.get("API_RATE_TOKEN_WRITE", "120/min"),
    "intake_read": os.environ.get("API_RATE_INTAKE_READ", "600/min"),
    "intake_write": os.environ.get("API_RATE_INTAKE_WRITE", "600/min"),  # the feed sends orders in bursts
    "bulk": os.environ.get("API_RATE_BULK", "10/min"),
    "export": os.environ.get("API_RATE_EXPORT", "10/min"),
}

KNOX_TOKEN_MODEL = "sellers.DeviceToken"
# knox's own migrations create its default token table even when swapped; nothing needs it.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTO_REFRESH": False,
    "TOKEN_MODEL": "sellers.DeviceToken",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Seller Center API",
    "DESCRIPTION": (
        "Orders of a marketplace seller, from `Para manejo` to `Entregada`. "
        "Authenticate with `Authorization: Token <token>` from `POST /api/v1/auth/token/`. "
        'Errors always have the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # pinned Swagger UI from drf-spectacular-sidecar instead of an unpinned CDN `@latest`
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
    ],
    # one name per choice set (disputes and requests have a `status` of their own, as orders do)
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Status",
        "DisputeStatusEnum": "disputes.models.DisputeStatus",
        "CancellationRequestStatusEnum": "disputes.models.RequestStatus",
        "DisputePartyEnum": "disputes.models.Party",
        "DisputeResolutionEnum": "disputes.models.Resolution",
        "ReasonEnum": "evidence.models.AttemptReason",
        "StockMovementReasonEnum": "catalog.models.MovementReason",
        "StockActorKindEnum": "catalog.models.ActorKind",
        "EvidenceKindEnum": "evidence.models.EvidenceKind",
        "PaymentMethodEnum": "orders.models.PaymentMethod",
        "PaymentStatusEnum": "orders.models.PaymentStatus",
        "PaymentKindEnum": "payments.models.Kind",
        "PaymentEntryStatusEnum": "payments.models.EntryStatus",
        "IntakePaymentStatusEnum": "api.serializers.INTAKE_PAYMENT_STATUS_CHOICES",
        "FeedPaymentStatusEnum": "api.payments.FEED_STATUS_CHOICES",
    },
}

# --- Sign-in lockouts (django-axes) -------------------------------------------
# How many proxies in front of the app append to X-Forwarded-For (0: the client is REMOTE_ADDR; a
# header from a client is never believed). accounts.client_ip is the one rule, for axes and the API rates.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Per account (from any address) and per account and address; never per address alone, so a
# login of another account from the same office or phone network is unaffected.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a right password before the limit clears the account's count
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # accounts.admin shows the same rows in Spanish
AXES_VERBOSE = False

# --- Security (production) --------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own "django" logger also prints to the console under DEBUG: once through root is enough
    "loggers": {
        "django": {"handlers": [], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"), "propagate": True},
        # every failed sign-in at INFO is noise; lockouts are logged as warnings
        "axes": {"handlers": [], "level": "WARNING", "propagate": True},
    },
}
