"""Frontline settings, read only from the environment (see docs/configuration.md)."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from frontline.core.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    stored_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FRONTLINE_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY") or stored_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Security: the site's address, cookies, TLS, sign-in throttling -------------------------
# (docs/configuration.md#security). Every absolute link is built on SITE_URL, never on the
# request's Host header, which the client chooses. `frontline run --host H --port P` makes
# it http://H:P when SITE_URL is not set.


def _site_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {raw!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL is a scheme and host only, not {raw!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (meaning ``X-Forwarded-Proto: https``) or ``Name: value``."""
    name, _, value = raw.partition(":")
    if not name.strip():
        return None
    return _meta_key(name), value.strip() or "https"


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_") if header.strip() else ""


SITE_URL = _site_url(env_str("SITE_URL", "http://127.0.0.1:8000"))
_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_str("SECURE_PROXY_SSL_HEADER", ""))
# The header a proxy in front names the client's address in (e.g. X-Forwarded-For); unset,
# the address is the connection's. Sign-in limits per address rely on it behind a proxy.
FRONTLINE_CLIENT_IP_HEADER = _meta_key(env_str("FRONTLINE_CLIENT_IP_HEADER", ""))
# Failed sign-ins (workspace and portal) allowed per account and per address in a window;
# beyond them the sign-in answers 429 until the window ends.
FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT = env_int("FRONTLINE_SIGN_IN_FAILURES_PER_ACCOUNT", 5)
FRONTLINE_SIGN_IN_FAILURES_PER_IP = env_int("FRONTLINE_SIGN_IN_FAILURES_PER_IP", 30)
FRONTLINE_SIGN_IN_WINDOW_SECONDS = env_int("FRONTLINE_SIGN_IN_WINDOW_SECONDS", 15 * 60)
# Password-reset and portal sign-in-link mails asked for, per address and per client address.
FRONTLINE_MAIL_LINKS_PER_ADDRESS = env_int("FRONTLINE_MAIL_LINKS_PER_ADDRESS", 5)
FRONTLINE_MAIL_LINKS_PER_IP = env_int("FRONTLINE_MAIL_LINKS_PER_IP", 20)
FRONTLINE_MAIL_LINKS_WINDOW_SECONDS = env_int("FRONTLINE_MAIL_LINKS_WINDOW_SECONDS", 60 * 60)
# --- End of security ------------------------------------------------------------------------


INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth: its createsuperuser command replaces Django's.
    "frontline.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "channels",
    "frontline.core",
    "frontline.customers",
    "frontline.tickets",
    "frontline.sla",
    "frontline.triage",
    "frontline.knowledge",
    "frontline.integrations",
    "frontline.routing",
    "frontline.macros",
    "frontline.workflows",
    "frontline.automation",
    "frontline.channels.email",
    "frontline.channels.portal",
    "frontline.channels.webhooks",
    # Above every app: the run, demo and bench commands.
    "frontline.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "frontline.core.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frontline.core.middleware.UserTimeZoneMiddleware",
    "frontline.core.middleware.WebErrorMiddleware",
]

ROOT_URLCONF = "frontline.urls"
ASGI_APPLICATION = "frontline.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/sign-in/"
LOGIN_REDIRECT_URL = "/"

# Widgets are written in Python (frontline/core/form_renderer.py): same markup, a fraction
# of the time of one template include per <option>.
FORM_RENDERER = "frontline.core.form_renderer.FastWidgetRenderer"
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
                "frontline.accounts.context_processors.workspace",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'frontline.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on busy_timeout instead of failing with "locked".
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        }
        config["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = _postgres_options(env_int("DATABASE_POOL_SIZE", 20))
    return config


def _postgres_options(pool_size: int) -> dict[str, object]:
    """A pool of open connections per process: without one, each request would open its
    own connection and pay for connecting and authenticating (the ticket page took 14 ms
    longer on a local server; more over TLS). ``DATABASE_POOL_SIZE=0`` turns the pool off,
    e.g. behind PgBouncer."""
    if pool_size <= 0:
        return {}
    return {"pool": {"min_size": min(2, pool_size), "max_size": pool_size, "timeout": 20}}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")

# Routing (docs/routing.md): an online agent whose workspace sent no heartbeat for this long
# is set away, and is offered no more work until they are back.
ROUTING_IDLE_AWAY_SECONDS = env_int("ROUTING_IDLE_AWAY_SECONDS", 600)

# Search (docs/search.md): the languages people search in. On PostgreSQL each word is
# stemmed in every one of them, so an article in any of these is found by its own words.
SEARCH_LANGUAGES = env_list("SEARCH_LANGUAGES", ["en", "de"])

# Knowledge base (docs/knowledge.md): a published article not reviewed for this many months
# is listed as needing review.
KNOWLEDGE_REVIEW_MONTHS = env_int("KNOWLEDGE_REVIEW_MONTHS", 6)

# Background jobs (Huey): a SQLite queue beside the database by default, Redis at scale.
# djhuey defaults "immediate" to DEBUG, so it is set explicitly.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", default=False)
HUEY: dict[str, object] = (
    {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "frontline"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
    if REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": env_str("HUEY_NAME", "frontline"),
        "filename": env_str("HUEY_SQLITE_PATH", str(DATA_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
    }
)

# Live updates (Django Channels): in memory for one process, Redis across many.
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("FRONTLINE_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Email (outbound). The email channel reads these for its SMTP connection. Without a mail
# server (EMAIL_HOST empty, the embedded default) mail is kept as .eml files in the local
# outbox, which administrators read in the workspace (docs/email.md).
EMAIL_HOST = env_str("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@frontline.localhost")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "frontline.channels.email.outbox.OutboxBackend",
)
FRONTLINE_OUTBOX_DIR = Path(env_str("FRONTLINE_OUTBOX_DIR", str(DATA_DIR / "outbox")))

# Limits on what one message may carry; larger input is refused with a clear error.
FRONTLINE_MAX_ATTACHMENT_BYTES = env_int("FRONTLINE_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
FRONTLINE_MAX_ATTACHMENTS = env_int("FRONTLINE_MAX_ATTACHMENTS", 20)
FRONTLINE_MAX_BODY_CHARS = env_int("FRONTLINE_MAX_BODY_CHARS", 1_000_000)

# A request body the API reads: one attachment at the limit, base64-encoded in JSON (4 bytes
# per 3), with a text and an HTML body at theirs (UTF-8: up to 4 bytes a character). Larger
# bodies are refused with a JSON 413 before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = (
    4 * -(-FRONTLINE_MAX_ATTACHMENT_BYTES // 3) + 2 * 4 * FRONTLINE_MAX_BODY_CHARS + 64 * 1024
)

# Email channel (docs/email.md). Larger inbound mail is stored and quarantined, not taken.
FRONTLINE_EMAIL_MAX_MESSAGE_BYTES = env_int("FRONTLINE_EMAIL_MAX_MESSAGE_BYTES", 40 * 1024 * 1024)
FRONTLINE_EMAIL_AUTOREPLY_LIMIT = env_int("FRONTLINE_EMAIL_AUTOREPLY_LIMIT", 3)
FRONTLINE_EMAIL_SEND_ATTEMPTS = env_int("FRONTLINE_EMAIL_SEND_ATTEMPTS", 8)
FRONTLINE_EMAIL_RETRY_SECONDS = env_int("FRONTLINE_EMAIL_RETRY_SECONDS", 60)
FRONTLINE_EMAIL_POLL_BATCH = env_int("FRONTLINE_EMAIL_POLL_BATCH", 200)

# Outgoing webhooks (docs/webhooks.md): tries per delivery, seconds to wait for an answer,
# and how many deliveries in a row may fail for good before a subscription is disabled.
FRONTLINE_WEBHOOK_ATTEMPTS = env_int("FRONTLINE_WEBHOOK_ATTEMPTS", 6)
FRONTLINE_WEBHOOK_TIMEOUT_SECONDS = env_int("FRONTLINE_WEBHOOK_TIMEOUT_SECONDS", 10)
FRONTLINE_WEBHOOK_DISABLE_AFTER = env_int("FRONTLINE_WEBHOOK_DISABLE_AFTER", 10)
# The SMTP/LMTP listener `frontline run` starts for a mail server to deliver to; 0 disables.
FRONTLINE_SMTP_HOST = env_str("FRONTLINE_SMTP_HOST", "127.0.0.1")
FRONTLINE_SMTP_PORT = env_int("FRONTLINE_SMTP_PORT", 2525)
FRONTLINE_SMTP_LMTP = env_bool("FRONTLINE_SMTP_LMTP", default=False)

# Console logs carry each record's `extra` (ticket, recipient, reason): key=value after the
# event name, or one JSON object a line with LOG_FORMAT=json (frontline/core/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "frontline.core.logging.KeyValueFormatter"},
        "json": {"()": "frontline.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO; webhook and channel delivery logs record them already.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
