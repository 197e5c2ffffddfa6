"""Settings for newsroom: one module, driven by environment variables.

DEBUG is off unless set: a deployment that forgets it shows no tracebacks, and then
refuses to start without SECRET_KEY. Production sets DEBUG=0 (or nothing), SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL.

Local use: `python3 dev.py` writes local.env (DEBUG=1, untracked), which this module reads
only when it is present, as defaults under the environment. So `.venv/bin/python manage.py
...` runs with DEBUG on in a checkout where dev.py ran, and nowhere else.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.conf.locale
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def read_local_env(path):
    """The KEY=VALUE lines of local.env, which only `python3 dev.py` writes; {} without it."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


LOCAL_ENV = read_local_env(BASE_DIR / "local.env")


def env(name, default=None):
    """A variable from the environment, else from local.env, else `default`."""
    value = os.environ.get(name)
    if value is None:
        value = LOCAL_ENV.get(name)
    return default if value is None else value


def env_bool(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Fail closed: off unless DEBUG is set to 1/true/yes/on (here or in local.env).
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set: DEBUG is off (it is off unless DEBUG=1 is set). In "
            "production set SECRET_KEY to a long random string; for local development run "
            "`python3 dev.py serve` or `python3 dev.py test` once (they write local.env with "
            "DEBUG=1), or set DEBUG=1."
        )
    # Local development only: with DEBUG off the site refuses to start without a key.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "django.contrib.postgres",
    "django_filters",
    "reversion",
    "axes",
    "csp",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.request_guard.RequestGuardMiddleware",  # a 400 for what no view can read
    # The language from the URL's prefix alone (/ckb/, /kmr/, /ar/; English unprefixed),
    # before the page cache, whose keys then carry it.
    "articles.middleware.PathLanguageMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "articles.middleware.PublicPageCacheMiddleware",
    "articles.middleware.PublicCachingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"

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
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# On PostgreSQL, a psycopg pool per process (DB_POOL=0 turns it off). Health checks make
# it hand out only live connections, so workers recover by themselves after an outage; a
# request waits at most DB_POOL_TIMEOUT seconds for a connection before a 503.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(env("DB_POOL_MAX_SIZE", "8")),
        "timeout": float(env("DB_POOL_TIMEOUT", "2")),
        # Give up background reconnection quickly: the next request then starts a fresh
        # attempt, rather than waiting out an ever longer backoff after the database is back.
        "reconnect_timeout": float(env("DB_POOL_RECONNECT_TIMEOUT", "2")),
    }

# Readers on a streaming replica (newsroom/db_routers.py). With DATABASE_REPLICA_URL set,
# readers' queries go to it and writes and everything of editors to DATABASE_URL (the
# primary); readers fall back to the primary while it is down or lags more than
# DATABASE_REPLICA_MAX_LAG seconds (checked every DATABASE_REPLICA_CHECK_SECONDS per
# process). Unset: one database, as before.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG = float(env("DATABASE_REPLICA_MAX_LAG", "30"))
DATABASE_REPLICA_CHECK_SECONDS = float(env("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DATABASE_REPLICA_CONNECT_TIMEOUT = float(env("DATABASE_REPLICA_CONNECT_TIMEOUT", "2"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # The suite runs on the primary's test database, read through both aliases.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    pool = DATABASES["default"].get("OPTIONS", {}).get("pool")
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql" and pool:
        DATABASES["replica"]["CONN_MAX_AGE"] = 0
        # A replica that stops costs a reader at most this long before the primary answers.
        DATABASES["replica"].setdefault("OPTIONS", {})["pool"] = {
            **pool,
            "timeout": float(env("DB_REPLICA_POOL_TIMEOUT", "1")),
        }
    DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
    # Before the page cache, which reads the archive version where readers read.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "newsroom.db_routers.ReplicaMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The main language: unprefixed URLs, and the default of Article.language. A code of
# LANGUAGES (not "en-gb"), so that the active language is always an edition's code;
# English dates and numbers stay British through newsroom/formats/en/formats.py.
LANGUAGE_CODE = "en"
# The languages the newsroom publishes in, each article in one of them (Article.language):
# a newsroom adds Turkish or Persian here. Names are as their readers write them.
LANGUAGES = [
    ("en", "English"),
    ("ckb", "کوردی"),
    ("kmr", "Kurmancî"),
    ("ar", "العربية"),
]
# The newsroom's day: date URLs and date filters mean days in Erbil and Baghdad,
# whatever zone the server runs in.
TIME_ZONE = "Asia/Baghdad"
USE_I18N = True
# The interface's translations (locale/<code>/LC_MESSAGES/django.po, compiled .mo committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language: British English, and Kurmanji (Django has none).
FORMAT_MODULE_PATH = ["newsroom.formats"]
# Django knows ckb and ar (both right to left: LANGUAGES_BIDI); Kurmanji (Northern
# Kurdish, Latin script) is added to its table of languages, as its docs describe.
django.conf.locale.LANG_INFO.update(
    kmr={"bidi": False, "code": "kmr", "name": "Northern Kurdish", "name_local": "Kurmancî"}
)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

LOGIN_URL = "admin:login"
# Where the admin lives; moving it off /admin/ keeps casual scanners away.
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one address, that pair is refused for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False


def axes_client_address(proxy_count):
    """How django-axes (through django-ipware) finds a login's client address behind
    `proxy_count` reverse proxies (an int >= 0): (header order, ipware's proxy count).

    With 0, REMOTE_ADDR alone: X-Forwarded-For is ignored, so a client cannot choose its
    address. With N, the N-th address of X-Forwarded-For from the right: each proxy
    appends the address it was connected from, so the last N entries are written by our
    proxies and whatever a client sent itself stays to their left. ipware counts the
    proxies whose addresses are in the header (N - 1: the nearest one is REMOTE_ADDR).
    A header with fewer than N addresses, from a request that came round the proxies, is
    not believed: REMOTE_ADDR (with N = 1) or no address (N > 1) is used instead. Raises
    ImproperlyConfigured for a negative count."""
    if proxy_count < 0:
        raise ImproperlyConfigured(f"AXES_PROXY_COUNT must be 0 or more, not {proxy_count}.")
    if proxy_count == 0:
        return ("REMOTE_ADDR",), None
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), proxy_count - 1


AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = axes_client_address(
    int(env("AXES_PROXY_COUNT", "0"))
)
AXES_IPWARE_PROXY_ORDER = "left-most"  # the header's order: client first, proxies after
# django-ipware's strict mode refuses a header holding more than client and proxies, and
# with it a client could push its login onto the proxy's address; take the N-th instead.
IPWARE_STRICT = False

# Content-Security-Policy (django-csp): nothing from other origins, no inline script.
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

NEWSROOM_NAME = env("NEWSROOM_NAME", "Newsroom")
ARTICLES_PER_PAGE = 20
# How long browsers and proxies may reuse a public page without asking again (seconds).
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "60"))
# Counts and facets are cached per archive version (articles/archive_cache.py); this only
# bounds how long an entry for a version nobody asks for any more stays in memory.
ARCHIVE_CACHE_SECONDS = int(env("ARCHIVE_CACHE_SECONDS", "3600"))
# Exports a process streams at once; more meanwhile get a 429 (see articles.exports).
EXPORTS_PER_PROCESS = max(1, int(env("EXPORTS_PER_PROCESS", "2")))
# The key carries the archive version read from the database (articles.archive_cache).
# Whole public pages cached for readers per archive version (PAGE_CACHE=0 turns it off).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# How long a process may serve cached pages on the archive version it last read, without
# asking the database again: a change reaches readers that much later (browsers and
# proxies already keep a page PUBLIC_CACHE_SECONDS), and a cached page costs no query.
PAGE_CACHE_VERSION_SECONDS = float(env("PAGE_CACHE_VERSION_SECONDS", "1"))
# After a publication or an edit, while one request renders a page (or count) again,
# other readers get it as it was for at most this long (seconds; 0: never). A withdrawn,
# unpublished or deleted story is never given so (articles.archive_cache.lookup).
CACHE_GRACE_SECONDS = float(env("CACHE_GRACE_SECONDS", "5"))
MEGABYTE = 2**20
# One cache for every process and server: with REDIS_URL (redis://host:6379/0), counts,
# facets, fragments and whole pages live in Redis, through Django's own RedisCache; an
# unreachable Redis makes misses, never errors (articles/cache_backends.py). Without it,
# each process keeps its own in memory, bounded in bytes as well as entries.
REDIS_URL = env("REDIS_URL", "")
# Every key starts with this and CACHE_VERSION: deployments sharing one Redis each need
# their own prefix; a new CACHE_VERSION drops every entry (say, after restoring a backup).
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "newsroom")
CACHE_VERSION = int(env("CACHE_VERSION", "1"))
if REDIS_URL:
    REDIS_OPTIONS = {
        # Seconds: a Redis that does not answer costs a reader at most this, then
        # DOWN_SECONDS of rendering without it before it is tried again.
        "socket_connect_timeout": float(env("REDIS_TIMEOUT", "0.25")),
        "socket_timeout": float(env("REDIS_TIMEOUT", "0.25")),
        "DOWN_SECONDS": float(env("REDIS_DOWN_SECONDS", "5")),
    }
    CACHES = {
        alias: {
            "BACKEND": "articles.cache_backends.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{alias}",
            "VERSION": CACHE_VERSION,
            "TIMEOUT": timeout,
            "OPTIONS": REDIS_OPTIONS,
        }
        for alias, timeout in [
            ("default", ARCHIVE_CACHE_SECONDS),
            ("pages", int(env("PAGE_CACHE_SECONDS", "300"))),
        ]
    }
else:
    CACHES = {
        # Counts, facets, the gazetteer, tags and bylines in use, list fragments.
        "default": {
            "BACKEND": "articles.cache_backends.ByteBoundedLocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": 5000,
                "MAX_BYTES": int(env("ARCHIVE_CACHE_MEGABYTES", "128")) * MEGABYTE,
                "MAX_ENTRY_BYTES": 16 * MEGABYTE,
            },
        },
        # Whole public pages for readers (articles.middleware.PublicPageCacheMiddleware).
        "pages": {
            "BACKEND": "articles.cache_backends.ByteBoundedLocMemCache",
            "LOCATION": "pages",
            "TIMEOUT": int(env("PAGE_CACHE_SECONDS", "300")),
            "OPTIONS": {
                "MAX_ENTRIES": int(env("PAGE_CACHE_ENTRIES", "2000")),
                "MAX_BYTES": int(env("PAGE_CACHE_MEGABYTES", "64")) * MEGABYTE,
                "MAX_ENTRY_BYTES": 2 * MEGABYTE,
            },
        },
    }

# Production hardening: on whenever DEBUG is off, each overridable for a proxy setup.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
