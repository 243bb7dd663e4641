"""One settings file, driven by environment variables.

Every variable has a documented default (see README.md, "Configuration").
The defaults give a working embedded set-up: SQLite in WAL mode next to the code.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent


def envbool(name, default):
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


DEBUG = envbool("DEBUG", "0")
# The development key is accepted by development commands (`raak demo`, `runserver`,
# the tests) only; the production entry points (`raak serve`, `raak.wsgi` under any
# WSGI server, `raak check --deploy`) refuse it (raak/accounts/checks.py).
DEVELOPMENT_SECRET_KEY = "raak-insecure-development-key"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
SITE_NAME = os.environ.get("SITE_NAME", "RAAK")
DATA_DIR = Path(os.environ.get("RAAK_DATA_DIR", BASE_DIR.parent / "var"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "raak.core",
    "raak.site",
    "raak.programmes",
    "raak.accounts",
    "raak.picture",
    "raak.knowledge",
    "raak.protocols",
    "raak.training",
    "raak.network",
    "raak.questionnaires",
    "raak.api",
    "raak.routes",
    "raak.cycle",
    "raak.reports",
    "raak.opendata",
    "raak.look",
]

MIDDLEWARE = [
    "raak.site.middleware.ProxyAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "raak.site.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A second factor the OpenID Connect provider vouched for (raak/accounts/oidc.py).
    "raak.accounts.oidc.ProviderFactorMiddleware",
    "raak.api.http.SessionlessApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "raak.site.middleware.BusyDatabaseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Ours: headers for every response (raak/site/middleware.py), the idle
    # time-out, then the second factor (raak/accounts/middleware.py); axes last so it
    # sees the login's outcome.
    "raak.site.middleware.PrivateResponseMiddleware",
    # After the header middleware, so its 400 carries the CSP and no-store headers too.
    "raak.site.middleware.NulParameterMiddleware",
    "raak.accounts.middleware.IdleTimeoutMiddleware",
    "raak.accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    # The API's own rules (raak/api/http.py): token user, problem+json, API-Version.
    "raak.api.http.ApiMiddleware",
]

ROOT_URLCONF = "raak.urls"

# Who answers questions about the API (its OpenAPI document's info.contact).
API_CONTACT = {
    "name": os.environ.get("API_CONTACT_NAME", SITE_NAME),
    "email": os.environ.get("API_CONTACT_EMAIL", "api@example.org"),
    "url": os.environ.get("API_CONTACT_URL", "https://example.org/raak"),
}
# Only `runserver` reads WSGI_APPLICATION: the development server, which accepts the
# development key. Production WSGI servers load `raak.wsgi:application`, which refuses it.
WSGI_APPLICATION = "raak.devserver.application"

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
                "django.template.context_processors.csp",
                "raak.site.context.site",
                "raak.look.context.site_theme",
            ]
        },
    }
]

# SQLite is the embedded default. WAL lets readers and one writer work at once;
# the busy timeout makes a second writer wait instead of failing at once.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'raak.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME") or None}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # The app's queries are short: parallel workers cost more to start than they save,
    # and on a small server they take the cores the other requests need (a catalogue
    # count went from ~20 to 60-100 ms with two workers; docs/performance.md).
    _workers = int(os.environ.get("DB_PARALLEL_WORKERS", "0"))
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c max_parallel_workers_per_gather={_workers}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# The cache of public pages (raak.programmes.caching). One process: local memory.
# Several app servers share one: CACHE_URL=db:// (a table in the database, made by
# `raak migrate`) or redis://host:6379/0 (needs the `redis` package).
def cache_from_url(url):
    if url.startswith("db://"):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": url.removeprefix("db://") or "raak_cache"}  # fmt: skip
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    # Per process, bounded (CACHE_MAX_ENTRIES): the oldest third goes when it is full.
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "2000"))}}  # fmt: skip


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}
# How many app servers (`raak serve`) run side by side. Above 1 a per-process cache
# would let one server serve pages the other has changed, so RAAK refuses to start
# with `locmem://` (raak/core/checks.py): use redis:// (or db://).
RAAK_REPLICAS = int(os.environ.get("RAAK_REPLICAS", "1"))
# Sessions are rows in the database, which every app server shares. With Redis as the
# cache they are read through it (cached_db: Redis first, the database stays the
# truth, so a restart of Redis signs nobody out); a per-process cache never holds them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)

# Background work (reminders, reports) goes through Django's tasks framework with a
# persistent database queue; `raak worker` runs it. TASKS_BACKEND=immediate runs a task
# inside the request instead (for a single-process demo without a worker).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")]
    }
}

# Workers and the scheduler write a heartbeat row this often; a worker silent for
# WORKER_STALE_SECONDS counts as dead and its running task is queued again
# (raak/core/processes.py). The scheduler runs a round every SCHEDULER_TICK_SECONDS.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_STALE_SECONDS = float(os.environ.get("WORKER_STALE_SECONDS", "60"))
SCHEDULER_TICK_SECONDS = float(os.environ.get("SCHEDULER_TICK_SECONDS", "30"))

# E-mail (reminders, invitations): the mailer (MAILERS) is further down.
# The address of the site as people reach it: every link in every e-mail starts with it
# (invitations, password reset, reminders, messages), never with a request's Host.
# Required in production (raak/accounts/checks.py); elsewhere the development address.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"
# The deploying organisation is named by the operator in the theme (raak.look: the
# footer, the report's cover, e-mails, the open-data catalogue and the archive read it
# there). These three only fill a field the theme leaves empty, e.g. for a deployment
# configured before its operator set the theme (raak.look.theme.current, .publisher).
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "").strip()
ORGANISATION_URL = os.environ.get("ORGANISATION_URL", "").strip()
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "").strip()
# The licence of the open data (aggregate figures): a URI of the EU licence vocabulary.
OPEN_DATA_LICENSE = os.environ.get(
    "OPEN_DATA_LICENSE", "http://publications.europa.eu/resource/authority/licence/CC0"
)
OPEN_DATA_LICENSE_NAME = os.environ.get(
    "OPEN_DATA_LICENSE_NAME", "Creative Commons CC0 1.0 Universal"
)

# Keep a static copy of the published pages under RAAK_DATA_DIR/public/.pages/ for nginx
# (raak/opendata/public_site.py). A rebuild takes tens of seconds, so the single-process
# demo, whose tasks run inside the request and which has no nginx, turns it off.
STATIC_PAGES = os.environ.get("STATIC_PAGES", "1") == "1"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How long an invitation link works (raak.accounts.invitations).
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"
# Axes first: it refuses a locked account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on with the organisation's OpenID Connect provider (raak/accounts/oidc.py,
# docs/security.md): off while OIDC_DISCOVERY_URL is empty. The provider's e-mail claim
# (verified) finds the account, then its `sub`; nobody gets an account or a role by
# signing in. RAAK's own second factor is skipped only when the provider says it used
# several factors: an `amr` value in OIDC_MFA_AMR or an `acr` value in OIDC_MFA_ACR
# (list the configured level and every level above it).
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
OIDC_REQUIRE_VERIFIED_EMAIL = envbool("OIDC_REQUIRE_VERIFIED_EMAIL", "1")
OIDC_ORGANISATION = os.environ.get("OIDC_ORGANISATION", "")
OIDC_MFA_AMR = [v for v in os.environ.get("OIDC_MFA_AMR", "mfa,otp,hwk").split(",") if v]
OIDC_MFA_ACR = [v for v in os.environ.get("OIDC_MFA_ACR", "").split(",") if v]
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
# PASSWORD_LOGIN=0: only single sign-on, except a superuser's password (break-glass,
# on /inloggen/?wachtwoord=1).
PASSWORD_LOGIN = envbool("PASSWORD_LOGIN", "1")

# Password guessing (django-axes): after AXES_FAILURE_LIMIT failures for one username,
# or from one address, that username or address is locked for LOGIN_LOCK_MINUTES;
# the lock stops the correct password too. The national office lifts locks early.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("LOGIN_LOCK_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A locked-out attacker who keeps trying does not push the end of the lock back for
# the real user.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "raak.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind the reverse proxy REMOTE_ADDR is the proxy. With PROXY_COUNT=1 the last
# X-Forwarded-For entry (set by our proxy, deploy/proxy_params_raak) becomes
# REMOTE_ADDR (raak.site.middleware.ProxyAddressMiddleware), for axes and the log.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor login (django-otp): the issuer named in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "RAAK")

# Sessions live in the database (shared by every app server). They end after
# SESSION_IDLE_MINUTES without a request, after 12 hours in any case, and for the
# national office when the browser closes.
SESSION_IDLE_SECONDS = int(float(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence documents are never served as static media: a view checks access first.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# What one import may hold (docs/security.md, "Import limits"): every reader refuses a
# file beyond these before doing the work, naming the limit. The ZIP total counts every
# member of an XLSX/DOCX/ODT, uncompressed.
ZIP_MAX_UNCOMPRESSED = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_SHEETS = int(os.environ.get("IMPORT_MAX_SHEETS", "50"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "2000000"))
IMPORT_MAX_QUESTIONS = int(os.environ.get("IMPORT_MAX_QUESTIONS", "2000"))
# Reading a spreadsheet stops after this long (checked while parsing), well inside the
# 60 s nginx and RAAK_TIMEOUT give a request.
IMPORT_MAX_SECONDS = int(os.environ.get("IMPORT_MAX_SECONDS", "30"))
# A region's route map counts as stale when it was last checked longer ago than this.
ROUTE_MAP_STALE_MONTHS = int(os.environ.get("ROUTE_MAP_STALE_MONTHS", "12"))
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "0")
# Production (DEBUG=0) refuses to start without SECURE_COOKIES=1 unless this says plain
# HTTP is meant (raak/accounts/checks.py).
ALLOW_INSECURE_HTTP = envbool("ALLOW_INSECURE_HTTP", "0")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SESSION_COOKIE_SECURE:
    # Behind HTTPS (the reverse proxy terminates TLS and says so in X-Forwarded-Proto).
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "1")
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer's health check speaks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^gezond(/gereed|/werkers)?$"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Content-Security-Policy (Django's own middleware): nothing inline except scripts
# carrying the per-response nonce; maps are inline SVG without style attributes.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Sent on every response by PrivateResponseMiddleware.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# E-mail (password reset, invitations, reminders) through Django's MAILERS; the
# environment keeps the EMAIL_* names people know (README, "Configuration"). SMTP when
# EMAIL_HOST is set, else the console, which prints mail in development; `make demo`
# writes messages to files in var/mail (EMAIL_BACKEND=...filebased.EmailBackend).
_MAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
# Each backend takes only its own options (an unknown one is an error).
_MAIL_OPTIONS = {
    "django.core.mail.backends.smtp.EmailBackend": {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "0"),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
    },
    "django.core.mail.backends.filebased.EmailBackend": {
        "file_path": os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail")),
    },
}
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS.get(_MAIL_BACKEND, {})}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "raak@localhost")
PASSWORD_RESET_TIMEOUT = 3 * 3600

# /.well-known/security.txt (RFC 9116): where to report a vulnerability (a mailto: or
# https: URI; required in production, raak/look/checks.py) and until when the file holds
# (an ISO 8601 time; by default 180 days after each request).
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
SECURITY_TXT_EXPIRES = os.environ.get("SECURITY_TXT_EXPIRES", "")
# Where the source code of this deployment can be had: every page's footer links to it
# (EUPL-1.2 asks that the users of a service can find the source). No default: RAAK has
# no public repository address of its own to point at (publiccode.yml), and a
# placeholder would be a broken link; without it the footer names the licence only, and
# `check --deploy` warns (raak.W032).
SOURCE_URL = os.environ.get("SOURCE_URL", "").strip()

# Every form field is drawn with NL Design System classes (raak/look/forms.py).
FORM_RENDERER = "raak.look.forms.Renderer"

# The security log table keeps this many days (`raak prune-security-log`).
SECURITY_LOG_RETENTION_DAYS = int(os.environ.get("SECURITY_LOG_RETENTION_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The security log: one JSON line per event (raak.accounts.security).
    "loggers": {
        "raak.security": {
            "handlers": ["console"],
            "level": os.environ.get("SECURITY_LOG_LEVEL", "INFO"),
            "propagate": False,
        }
    },
}
