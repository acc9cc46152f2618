"""Django settings, all from environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from zhifa.config.env import config

BASE_DIR = Path(__file__).resolve().parents[3]  # the checkout root
DEMO_SECRET_KEY = "zhifa-demo-secret-key-not-for-production-0000000000000000"

ZHIFA_ENV = config(
    "ZHIFA_ENV",
    "test" if os.environ.get("PYTEST_VERSION") else "development",
    help="Deployment kind: development, test or production. Production refuses the demo secret,"
    " turns DEBUG off and enables secure cookies and HSTS.",
    doc_default="development (test under pytest)",
)
if ZHIFA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"ZHIFA_ENV 必须是 development、test 或 production，当前为 {ZHIFA_ENV!r}")
PRODUCTION = ZHIFA_ENV == "production"

SECRET_KEY = config(
    "SECRET_KEY", DEMO_SECRET_KEY, help="Django secret key (sessions, signatures, QR codes).", secret=True
)
if PRODUCTION and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "生产环境拒绝启动：SECRET_KEY 仍是演示密钥或长度不足40个字符，请通过环境变量设置随机密钥"
    )
DEBUG = config(
    "DEBUG",
    not PRODUCTION,
    help="Django debug pages. Never on in production.",
    cast="bool",
    doc_default="on, off in production",
)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不允许开启 DEBUG")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
    help="Comma-separated host names this server answers to.",
    cast="list",
    doc_default="127.0.0.1, localhost, testserver; none in production",
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS", [], help="Comma-separated origins (https://host) trusted for CSRF.", cast="list"
)
DEMO_MODE = config(
    "ZHIFA_DEMO_MODE",
    not PRODUCTION,
    help="Allow the demo world and its known passwords. Refused in production.",
    cast="bool",
    doc_default="on, off in production",
)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("生产环境不允许开启演示模式（ZHIFA_DEMO_MODE）")

DATA_DIR = Path(
    config(
        "ZHIFA_DATA_DIR",
        str(BASE_DIR / "var"),
        help="Directory for the SQLite file, evidence and documents.",
        doc_default="<checkout>/var",
    )
)
DATABASE_URL = config(
    "DATABASE_URL",
    f"sqlite:///{DATA_DIR / 'zhifa.sqlite3'}",
    help="Database URL: sqlite:///path (default, embedded) or postgres://user:pass@host:5432/name.",
    doc_default="sqlite:///<ZHIFA_DATA_DIR>/zhifa.sqlite3",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _sqlite_name = str(DATABASES["default"].get("NAME") or "")
    if _sqlite_name and _sqlite_name != ":memory:":
        Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "zhifa.core",
    "zhifa.agencies",
    "zhifa.parties",
    "zhifa.catalog",
    "zhifa.cases",
    "zhifa.documents",
    "zhifa.offsite",
    "zhifa.portal",
    "zhifa.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhifa.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhifa.web.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhifa.config.urls"
WSGI_APPLICATION = "zhifa.config.wsgi.application"
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
                "zhifa.web.context.navigation",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhifa.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = config(
    "ZHIFA_LOGIN_MAX_FAILURES", 5, help="Failed logins before an account is locked for a while.", cast="int"
)
LOGIN_LOCK_MINUTES = config("ZHIFA_LOGIN_LOCK_MINUTES", 15, help="Minutes an account stays locked.", cast="int")
SESSION_COOKIE_AGE = config(
    "ZHIFA_SESSION_IDLE_SECONDS", 1800, help="Idle seconds before a session expires.", cast="int"
)
SESSION_SAVE_EVERY_REQUEST = True
TWO_FACTOR_ROLES = config(
    "ZHIFA_2FA_ROLES",
    ["admin", "auditor", "supervisor"] if PRODUCTION else [],
    help="Roles that must pass a TOTP second factor after the password (等保2.0 level 3). Empty: off.",
    cast="list",
    doc_default="admin, auditor, supervisor in production; off otherwise",
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = config("TIME_ZONE", "Asia/Shanghai", help="Time zone for display and legal dates.")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "src" / "zhifa" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "files"  # evidence and documents; never served directly

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = config(
    "ZHIFA_CACHE_URL", "", help="Cache (login throttling, calendar): redis://host:6379/1, or empty for memory."
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

CELERY_BROKER_URL = config(
    "CELERY_BROKER_URL",
    "",
    help="Celery broker (redis://127.0.0.1:6379/0). Empty: jobs run in-process in a background thread.",
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
JOBS_INLINE = config(
    "ZHIFA_JOBS_INLINE",
    ZHIFA_ENV == "test",
    help="Run jobs synchronously inside the request (tests). Otherwise in a thread or on Celery.",
    cast="bool",
    doc_default="on when ZHIFA_ENV=test",
)

ZHIFA_REGION_DEFAULT = config(
    "ZHIFA_DEFAULT_REGION", "", help="行政区划代码 used when a command is given no --region (empty: national base)."
)
ZHIFA_NEV_PLATE_LETTERS = config(
    "ZHIFA_NEV_PLATE_LETTERS",
    "DF",
    help="Letters that mark a new-energy plate (GA 36-2018: D/F; some provinces now issue more).",
)
ZHIFA_MAX_UPLOAD_MB = config("ZHIFA_MAX_UPLOAD_MB", 50, help="Largest evidence upload in MB.", cast="int")

# documents (issue 5): the public origin printed in QR codes, fonts, the optional drafting model
ZHIFA_PUBLIC_BASE_URL = config(
    "ZHIFA_PUBLIC_BASE_URL",
    "" if PRODUCTION else "http://127.0.0.1:8000",
    help="Public origin printed in document QR codes (https://zhifa.example.gov.cn); the verification page"
    " is <origin>/p/v/<id>/<signature>/. Issuing refuses to run without it.",
    doc_default="http://127.0.0.1:8000; none in production (must be set)",
)
ZHIFA_FONT_CACHE = config(
    "ZHIFA_FONT_CACHE",
    "",
    help="Directory of the GB 2312 font subset cache for PDF rendering (python -m zhifa.documents.render.fonts"
    " --build-cache); empty: ~/.cache/zhifa/fonts.",
)
ZHIFA_LLM_BASE_URL = config(
    "ZHIFA_LLM_BASE_URL",
    "",
    help="OpenAI-compatible API base URL for optional drafting of the reasoning (http://10.0.0.5:8000/v1);"
    " empty: the composer alone writes every document.",
)
ZHIFA_LLM_MODEL = config("ZHIFA_LLM_MODEL", "", help="Model name for drafting (required when the base URL is set).")
ZHIFA_LLM_API_KEY = config("ZHIFA_LLM_API_KEY", "", help="Bearer token of the drafting endpoint.", secret=True)
ZHIFA_LLM_TIMEOUT = config("ZHIFA_LLM_TIMEOUT", 30, help="Seconds one drafting request may take.", cast="int")
# off-site enforcement (issue 6): WIM file imports and station pushes
ZHIFA_OFFSITE_IMPORT_MAX_MB = config(
    "ZHIFA_OFFSITE_IMPORT_MAX_MB",
    512,
    help="Largest WIM file (CSV or Parquet) uploaded on the import page, in MB.",
    cast="int",
)
ZHIFA_OFFSITE_PUSH_MAX_RECORDS = config(
    "ZHIFA_OFFSITE_PUSH_MAX_RECORDS", 5000, help="Most records a station may push in one request.", cast="int"
)
ZHIFA_OFFSITE_PUSH_PER_MINUTE = config(
    "ZHIFA_OFFSITE_PUSH_PER_MINUTE", 60, help="Push requests one station may make per minute (429 beyond).", cast="int"
)
ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX = config(
    "ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX",
    20000,
    help="Most stored passages a certificate added or revoked may re-qualify inside the request; more go to a"
    " background job (about 1.3 s per 20,000 passages).",
    cast="int",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = config(
    "ZHIFA_SSL_REDIRECT",
    PRODUCTION,
    help="Redirect plain HTTP to HTTPS (behind nginx).",
    cast="bool",
    doc_default="off, on in production",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config("ZHIFA_LOG_LEVEL", "INFO", help="Log level.")},
}

if ZHIFA_ENV == "test":
    # Fast hashing for the test suite only; production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    WHITENOISE_AUTOREFRESH = True
