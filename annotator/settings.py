"""Arbor settings: one env-driven module (see .env.example for every knob).

No environment set means the embedded default: SQLite, jobs on an in-process thread pool,
an in-memory channel layer. DATABASE_URL and REDIS_URL switch to PostgreSQL, Celery workers
and the Redis channel layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from annotator.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ARBOR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DATABASE_URL = env_str("DATABASE_URL")
# The embedded default (one machine, SQLite) may use a fixed key; services mode may not, since
# the key signs sessions and password-reset links and this one is public.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DATABASE_URL:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: services mode (DATABASE_URL is set) needs SECRET_KEY or "
            "SECRET_KEY_FILE (a file holding it), e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "arbor-embedded-insecure-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as local static files (docs work offline)
    "channels",
    "django_celery_beat",
    "trees",
    # Background work: no models, only its management commands (build_demo_model).
    "workers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "annotator.urls"
ASGI_APPLICATION = "annotator.asgi.application"
WSGI_APPLICATION = "annotator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -------------------------------------------------------------------------------
DATABASES: dict[str, Any]
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A connection pool per process (psycopg_pool): under ASGI each request may run on its
        # own thread, and per-thread persistent connections would run PostgreSQL out of
        # connections under load; with the pool, requests wait for a connection instead.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("ARBOR_DB_POOL_MIN", 2),
            "max_size": env_int("ARBOR_DB_POOL_MAX", 20),
            "timeout": 30,
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "arbor.sqlite3"),
            # Jobs write from a thread pool in the embedded mode: WAL lets readers go on while
            # a writer works, the busy timeout waits instead of failing, and IMMEDIATE takes
            # the write lock at BEGIN so two writers never deadlock on a lock upgrade.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and channel layer -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
JOBS_MODE = env_choice(
    "ARBOR_JOBS_MODE", "celery" if REDIS_URL else "thread", {"celery", "thread", "inline"}
)
JOBS_THREADS = env_int("ARBOR_JOBS_THREADS", 2)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_ROUTES = {"arbor.gpu.*": {"queue": "gpu"}, "arbor.cpu.*": {"queue": "cpu"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("CHANNELS_PREFIX", "arbor"),
                # Room for a crowd: 50 viewers arriving at once send each other ~100 presence
                # messages each (the default capacity is 100).
                "capacity": env_int("CHANNELS_CAPACITY", 1000),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Auth, API ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "trees.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "trees.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Arbor API",
    "DESCRIPTION": "Reasoning trees, step labels and long thoughts for reasoning training data.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ loads Swagger UI from our static files, not a CDN: it works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CampaignStatusEnum": "trees.models.campaigns.Campaign.Status",
        "AssignmentStatusEnum": "trees.models.campaigns.Assignment.Status",
        "JobStatusEnum": "trees.models.jobs.Job.Status",
        "RatingEnum": "trees.models.labels.RATING_CHOICES",
        "RenderEnum": "trees.models.labels.LongThought.Render",
        "PlanRenderEnum": "trees.models.labels.LongThought.PLAN_RENDERS",
    },
}

# --- Limits (documented in the README; enforced at the API and import edges) -----------------
ARBOR_MAX_STEP_CHARS = env_int("ARBOR_MAX_STEP_CHARS", 20_000)
ARBOR_MAX_STATEMENT_CHARS = env_int("ARBOR_MAX_STATEMENT_CHARS", 50_000)
ARBOR_MAX_NOTE_CHARS = env_int("ARBOR_MAX_NOTE_CHARS", 5_000)
ARBOR_MAX_IMPORT_BYTES = env_int("ARBOR_MAX_IMPORT_BYTES", 200 * 1024 * 1024)
ARBOR_MAX_IMPORT_ERRORS = env_int("ARBOR_MAX_IMPORT_ERRORS", 1_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ARBOR_MAX_JSON_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Models ----------------------------------------------------------------------------------
# The demo reasoner is built once (`manage.py build_demo_model`) and read by every process that
# runs model jobs: in services mode point web and workers at one shared directory.
ARBOR_DEMO_MODEL_DIR = Path(
    env_str("ARBOR_DEMO_MODEL_DIR") or str(BASE_DIR / "var" / "models" / "demo")
)
# Intra-op CPU threads per model in a process (transformers backend, sentence embeddings).
ARBOR_TORCH_THREADS = env_int("ARBOR_TORCH_THREADS", 1, minimum=1)
# The step DAG's embedder: "minilm" (falls back to "hashing" when its package is missing).
ARBOR_EMBEDDER = env_choice("ARBOR_EMBEDDER", "minilm", {"minilm", "hashing"})
# The password of the demo users `manage.py seed_demo` creates.
ARBOR_DEMO_PASSWORD = env_str("ARBOR_DEMO_PASSWORD", "arbor-demo")

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The React app, built by `make frontend` (Vite) and served under /static/app/.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.is_dir() else []

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Exports ----------------------------------------------------------------------------------
# Export files are written under MEDIA_ROOT/exports (trees.services.exports.export_root). The
# export formats get their own enum name in the OpenAPI schema (imports have a "format" too).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ExportFormatEnum"] = "trees.exporting.spec.FORMATS"
