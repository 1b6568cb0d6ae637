"""Coalition settings: one file, everything that differs between machines comes from the environment.

Defaults are for a developer laptop (SQLite in the project, DEBUG on, console email). Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the EMAIL_* variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    return int(os.environ.get(name, default))


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer machine: DEBUG is on.
    SECRET_KEY = "dev-only-insecure-key-coalition-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "import_export",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # django-ninja: listed so its interactive API docs come from our static files, not a CDN
    "letters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coalition.middleware.ResponseHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "coalition.middleware.RefuseMalformedRequestsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "coalition.urls"
WSGI_APPLICATION = "coalition.wsgi.application"

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
            ],
        },
    },
]

# The embedded default is a SQLite file in the project; DATABASE_URL=postgres://… switches to psycopg 3.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A task worker and the web process share the file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

# CACHE_URL=redis://host:6379/0 gives every worker and replica one shared cache (Django's own RedisCache): the public
# letter page and its list are rendered once per change, not once per process. Unset: local memory per process.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "coalition")}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address (got {CACHE_URL.split(':')[0]}://…).")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "manage:letters"
LOGOUT_REDIRECT_URL = "login"

# Interface languages. Letters themselves may have versions in other languages (all six UN languages).
LANGUAGE_CODE = "en"
# The interface speaks the six UN languages. Chinese is Simplified Chinese (zh-hans, as Django names it); letter
# versions say "zh" (see letters.models.letters.version_language).
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic")),
             ("zh-hans", _("Chinese")), ("ru", _("Russian"))]
# One unambiguous date and time format per language, with the time zone (coalition/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["coalition.formats"]
# Letter versions may be in any language Django knows by a two-letter ISO 639-1 code (Italian, Portuguese,
# German, Farsi…), not only in the interface languages. The UN languages (and Portuguese) come first, with
# translated names; the others follow with their English names (and their own, for the coordinator who writes them).
_LETTER_LANGUAGES_FIRST = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
]


def _other_letter_languages():
    from django.conf.locale import LANG_INFO

    first = {code for code, _name in _LETTER_LANGUAGES_FIRST}
    others = [
        (code, f"{info['name']} ({info['name_local']})" if info["name_local"] != info["name"] else info["name"])
        for code, info in LANG_INFO.items()
        if len(code) == 2 and code not in first and "name" in info
    ]
    return sorted(others, key=lambda item: item[1])


LETTER_LANGUAGES = _LETTER_LANGUAGES_FIRST + _other_letter_languages()
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Zurich")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: console on a laptop, SMTP in production. Every email goes through the outbox and a background task.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coalition <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# "International" and regions are not ISO 3166 codes; lists use them where a country does not fit.
# They use the user-assigned X* range so they never collide with a real country.
COUNTRIES_OVERRIDE = {
    "XI": _("International"),
    "XF": _("Africa"),
    "XS": _("Asia"),
    "XE": _("Europe"),
    "XL": _("Latin America and the Caribbean"),
    "XM": _("Middle East and North Africa"),
    "XN": _("North America"),
    "XP": _("Pacific"),
    # Published lists say "United States", not the ISO short name "United States of America".
    "US": _("United States"),
}
COUNTRIES_FIRST = ["XI"]

# django-import-export: imports and exports need their own permissions, not just admin access.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Sign-on abuse limits (token buckets in the database: they hold across processes without Redis). 0 = no limit.
# Per IP: generous, because a whole NGO office or a conference Wi-Fi signs from one address.
SIGNON_RATE_PER_IP = envint("SIGNON_RATE_PER_IP", 60)  # per hour
SIGNON_RATE_PER_EMAIL = envint("SIGNON_RATE_PER_EMAIL", 5)  # per hour
SIGNON_MIN_FILL_SECONDS = envint("SIGNON_MIN_FILL_SECONDS", 3)  # 0 also turns the form token off (below)
# The form token (fill timer) is bound to the browser, accepted once, and expires after this many hours.
SIGNON_FORM_MAX_AGE_HOURS = envint("SIGNON_FORM_MAX_AGE_HOURS", 6)
# A confirmation email goes to the same address for the same sign-on at most once per this many minutes.
CONFIRMATION_RESEND_MINUTES = envint("CONFIRMATION_RESEND_MINUTES", 10)
CONFIRM_LINK_MAX_AGE_DAYS = envint("CONFIRM_LINK_MAX_AGE_DAYS", 14)
EMAIL_MAX_ATTEMPTS = envint("EMAIL_MAX_ATTEMPTS", 12)
# Personal data (letters/services/personal_data.py): this many days after a letter is finalised, its signers' names,
# emails and messages and the emails about their sign-ons are erased (run_scheduler daily, or apply_retention).
# 0 = keep them (off).
SIGNER_DATA_RETENTION_DAYS = envint("SIGNER_DATA_RETENTION_DAYS", 0)
# Background export files (ExportJob) are deleted this many days after they were requested (run_scheduler, hourly):
# they may hold signers' emails, and a list changes after a week anyway. 0 = keep them.
EXPORT_JOB_KEEP_DAYS = envint("EXPORT_JOB_KEEP_DAYS", 7)

# Security: strict in production, relaxed only for local http.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# The client's address (per-IP limits): X-Forwarded-For is read only as far as our own proxies wrote it.
# TRUSTED_PROXY_HOPS: how many proxies of ours stand in front (0 = REMOTE_ADDR; BEHIND_PROXY=1 means 1 by default);
# the client is the address that many entries from the right of X-Forwarded-For. TRUSTED_PROXIES (addresses or
# CIDRs, e.g. "10.0.0.0/8,127.0.0.1"): when set, X-Forwarded-For counts only on a request from one of them, and the
# client is the right-most address that is not one of them.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS") or (1 if BEHIND_PROXY else 0))
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "coalition.errors.csrf_failure"
# No inline scripts or styles anywhere (templates/ uses static/js and static/css); Bootstrap's icons are data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Outbox delivery across crashes (letters/emails/core.py, README "Background work"): how long a worker's claim on an
# email lasts before the sweep may take it back, and when a task row a killed worker left "running" is closed.
EMAIL_LEASE_SECONDS = envint("EMAIL_LEASE_SECONDS", 300)
TASKS_RUNNING_TIMEOUT = envint("TASKS_RUNNING_TIMEOUT", 3600)

# Observability (coalition/observability.py, README "Observability"): LOG_REQUESTS_JSON=1 writes one JSON line per
# request (time, method, path, status, duration, query count) to stdout; METRICS_TOKEN enables /metrics (Prometheus
# format, `Authorization: Bearer <token>`; 404 while unset). The middleware goes first so it times the whole stack.
LOG_REQUESTS_JSON = envbool("LOG_REQUESTS_JSON", False)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
MIDDLEWARE.insert(0, "coalition.observability.RequestObservabilityMiddleware")
LOGGING["formatters"] = {**LOGGING.get("formatters", {}), "bare": {"format": "%(message)s"}}
LOGGING["handlers"]["request_lines"] = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "bare"}
LOGGING["loggers"]["coalition.requests"] = {"handlers": ["request_lines"], "level": "INFO", "propagate": False}
