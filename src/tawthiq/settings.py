"""Django settings, read from environment variables with safe defaults.

TAWTHIQ_DATABASE_URL  sqlite:///path or postgresql://user:pw@host:port/db
                      (default: an SQLite file under ./tawthiq-data/)
TAWTHIQ_DATA_DIR      where the default database and the generated secret key live
TAWTHIQ_SECRET_KEY    Django's secret key (default: generated once, kept in the data dir)
TAWTHIQ_DEBUG         "1" for Django's debug pages (never on a shared server)
TAWTHIQ_ALLOWED_HOSTS comma-separated host names the server answers to
TAWTHIQ_LLM_URL       OpenAI-compatible endpoint for the optional LLM extractor
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TAWTHIQ_DATA_DIR", "tawthiq-data")).resolve()


def _database_url() -> str:
    url = os.environ.get("TAWTHIQ_DATABASE_URL", "").strip()
    if url:
        return url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'tawthiq.sqlite3'}"


def _secret_key() -> str:
    key = os.environ.get("TAWTHIQ_SECRET_KEY", "").strip()
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database() -> dict:
    config = dj_database_url.parse(_database_url())
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the web server read while a batch writes; IMMEDIATE avoids
        # lock upgrades failing half-way through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TAWTHIQ_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("TAWTHIQ_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",  # serves the OpenAPI docs page and its scripts locally (no CDN)
    "tawthiq.store",
    "tawthiq.web",
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
    "simple_history.middleware.HistoryRequestMiddleware",
    "tawthiq.web.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "tawthiq.web.urls"
WSGI_APPLICATION = "tawthiq.web.wsgi.application"

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
                "tawthiq.web.context.navigation",
            ],
        },
    },
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise indexes it at start-up; `serve` fills it
# htmx comes from the npm registry (`make install`), never from a CDN and never committed.
HTMX_DIR = Path(
    os.environ.get("TAWTHIQ_HTMX_DIR", PACKAGE_DIR.parent.parent / "build" / "npm" / "node_modules" / "htmx.org" / "dist")
)
STATICFILES_DIRS = [("htmx", HTMX_DIR)] if HTMX_DIR.is_dir() else []
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Ingestion refuses files larger than this (bytes); `tawthiq ingest --max-size` overrides it.
INGEST_MAX_BYTES = int(os.environ.get("TAWTHIQ_INGEST_MAX_BYTES", 20 * 1024 * 1024))

LLM_URL = os.environ.get("TAWTHIQ_LLM_URL", "")
LLM_MODEL = os.environ.get("TAWTHIQ_LLM_MODEL", "")
LLM_KEY = os.environ.get("TAWTHIQ_LLM_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
