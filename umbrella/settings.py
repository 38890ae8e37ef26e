"""Settings for the umbrella-review evidence database.

Every machine-specific value comes from an environment variable (see `.env.example`):
`DJANGO_DEBUG`, `DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS` and `DATABASE_URL`.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a strict boolean: only `true` or `false` (any case), so typos fail loudly."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value not in {"true", "false"}:
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {raw!r}")
    return value == "true"


def env_int(name: str, default: int) -> int:
    """Read a strict whole number of at least 0, so typos fail loudly."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV is production")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV is production")
    # Development only; `manage.py check --deploy` flags it (security.W009).
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our static files (no CDN)
    "reviews",
    "appraisal",
    "synthesis",
    "dataio",
    "releases",  # living releases (issue 20)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in any query parameter is a 400 here, before a filter can send it to PostgreSQL.
    "umbrella.middleware.refuse_nul_in_query",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    # Refuses an over-large request body before anything reads it (docs/security.md).
    "dataio.uploads.UploadSizeLimitMiddleware",
    # Last, as django-axes requires: it turns locked-out log-ins into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "umbrella.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "umbrella.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Computed pages are cached per project data revision (reviews/project/revisions.py), and the
# revision lives in the database, so each process may keep its own cache without serving stale
# pages: an in-memory cache per worker is correct. With several servers, CACHE_URL (or
# REDIS_URL) names a shared Redis (redis://host:6379/0): every worker and server then reads
# what any of them computed, and the background recomputation after a write (reviews.project.
# warming) reaches them all (docs/deploy.md). MAX_ENTRIES bounds a worker's own memory.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"CACHE_URL/REDIS_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}"
    )
# After each write, recompute the project's expensive pages in the task worker so the first
# reader gets a warm page (reviews/project/warming.py). Only worth it when the worker and the
# web servers share the cache: on by default with CACHE_URL, off with per-process caches.
RECOMPUTE_AFTER_WRITE = env_bool("DJANGO_RECOMPUTE_AFTER_WRITE", default=bool(CACHE_URL))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": 600,
            "KEY_PREFIX": "umbrella",
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "umbrella",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    )
}

# Sessions are read from the shared cache and written through to the database: one query less
# on every logged-in request. Only with a shared cache: with a cache per process, a session
# ended in one worker (a logout) would live on in another worker's copy.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js is served from the installed plotly package, so it always matches plotly.py.
    "umbrella.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed log-ins and refuses locked ones
    "django.contrib.auth.backends.ModelBackend",
]
# Throttle guessing: five failures for one username from one address lock that pair (not the
# account everywhere) for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address. With TRUSTED_PROXY_COUNT = 0 the application is reached directly and
# REMOTE_ADDR is the client: X-Forwarded-For is ignored, since anyone can send one. Behind N
# reverse proxies that each append the address they were reached from (nginx's
# $proxy_add_x_forwarded_for), the client is the N-th entry of X-Forwarded-For from the right:
# entries further left come from the client and may be forged. django-axes asks django-ipware,
# whose proxy count is the number of proxy entries after the client's (N - 1), and whose
# non-strict mode takes that position even when a client prepended entries of its own.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...]
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Errors (with the request's path and the user's id) and warnings go to stderr, where gunicorn
# and systemd's journal collect them; DJANGO_LOG_FILE adds a file as well (reopened when
# logrotate moves it). Django's own default sends server errors only to ADMINS by e-mail, and
# there are none: without this, a 500 leaves no trace.
LOG_FILE = os.environ.get("DJANGO_LOG_FILE", "")
_log_handler = {"filters": ["request_context"], "formatter": "plain"}
LOG_HANDLERS = {"stderr": {"class": "logging.StreamHandler", **_log_handler}}
if LOG_FILE:
    LOG_HANDLERS["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": LOG_FILE,
        **_log_handler,
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "umbrella.log.RequestContext"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s path=%(path)s user=%(user_id)s "
            "%(message)s"
        }
    },
    "handlers": LOG_HANDLERS,
    # Warnings and errors of every library and app (django-axes logs each lockout as one).
    "root": {"handlers": list(LOG_HANDLERS), "level": "WARNING"},
    # Django at INFO too (the development server's request lines), replacing its default
    # handlers (the console only under DEBUG, else mail to ADMINS): each record written once.
    "loggers": {"django": {"handlers": list(LOG_HANDLERS), "level": "INFO", "propagate": False}},
}

# Invitations and password resets: printed to the console in development, sent by SMTP in
# production (docs/deploy.md).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20  # seconds: an invitation's page waits for the mail server at most this long

# Accounts: by invitation (reviews/members/invitations.py) unless open sign-up is on.
INVITATION_EXPIRY_DAYS = int(os.environ.get("DJANGO_INVITATION_EXPIRY_DAYS", "7"))
if INVITATION_EXPIRY_DAYS < 1:
    raise ImproperlyConfigured("DJANGO_INVITATION_EXPIRY_DAYS must be at least 1")
SIGNUP_OPEN = env_bool("DJANGO_SIGNUP_OPEN", default=False)
# Who may start a new umbrella review: any logged-in user, or (true) staff only.
UMBRELLA_CREATE_STAFF_ONLY = env_bool("DJANGO_PROJECT_CREATION_STAFF_ONLY", default=False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reviews:home"

# Security headers everywhere; HTTPS-only settings in production (behind a TLS proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
# Scripts only from our own static files: plots travel as JSON data blocks drawn by
# static/js/plots.js, so no inline script is ever needed. Plotly styles its SVG inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Uploads and imports (docs/security.md, "Uploads"). An upload may be at most
# UPLOAD_MAX_BYTES; a request body larger than that plus Django's allowance for the other form
# fields (DATA_UPLOAD_MAX_MEMORY_SIZE) is refused before it is read.
UPLOAD_MAX_BYTES = env_int("DJANGO_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# A ZIP of CSVs or an XLSX file is a ZIP package: its declared sizes are checked before
# anything is decompressed, and the bytes actually decompressed are counted.
IMPORT_MAX_MEMBER_BYTES = env_int("DJANGO_IMPORT_MAX_MEMBER_BYTES", 256 * 1024 * 1024)
IMPORT_MAX_TOTAL_BYTES = env_int("DJANGO_IMPORT_MAX_TOTAL_BYTES", 512 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("DJANGO_IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_MEMBERS = env_int("DJANGO_IMPORT_MAX_MEMBERS", 100)
# Uploads waiting for their dry run or confirmation live here (never the machine's temp
# folder); the web servers and the import worker must share it. Older ones are deleted by
# `manage.py expire_imports` and by the sweep each new upload does; together they may not
# pass the quota.
IMPORT_UPLOAD_DIR = Path(os.environ.get("DJANGO_IMPORT_UPLOAD_DIR") or BASE_DIR / "var" / "imports")
IMPORT_UPLOAD_MAX_AGE = env_int("DJANGO_IMPORT_UPLOAD_MAX_AGE", 24 * 3600)  # seconds
IMPORT_UPLOAD_QUOTA_BYTES = env_int("DJANGO_IMPORT_UPLOAD_QUOTA_BYTES", 1024 * 1024 * 1024)
# The import page lists this many problems; the full list downloads as CSV.
IMPORT_REPORT_MAX_PROBLEMS = 200

# Dry runs and imports run as background tasks (django-tasks, database backend); the worker
# is `manage.py db_worker` (`make run` starts it beside the server; docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The read API (api/, docs/api.md): JSON only, read-only. Personal tokens for scripts, the
# session for a logged-in browser (DRF checks CSRF for it on anything but reads).
API_ANON_THROTTLE_RATE = os.environ.get("DJANGO_API_ANON_THROTTLE_RATE", "120/minute") or None
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],  # reviews.access
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Anonymous clients, per address (api.throttling.AnonymousThrottle reads the rate above).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.json_errors",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the throttle's client address, as django-axes's
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Umbrella-review evidence database: read API",
    # Shown to anonymous readers on the docs page: no repository paths (issue 18).
    "DESCRIPTION": "Published projects are open to everyone; members read their unpublished "
    "projects with a personal token (made on the API tokens page of their account), sent in an "
    "`Authorization` header as the word `Token`, a space and the token.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "AmstarAnswerEnum": "appraisal.models.AnswerChoice",
        "FindingEnum": "synthesis.models.Finding",
    },
}
