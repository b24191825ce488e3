"""Django's startproject settings for production, read from the benchmark's environment.

SQLite runs as the project runs it (heroproject/settings.py): SQLITE_OPTIONS.
"""

import os
from urllib.parse import unquote, urlsplit

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-simple-history, as its docs install it: its admin templates.
    "simple_history",
    "ninja_matched.apps.HeroesConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 304 answers to If-None-Match, as Django's docs offer them: for one hero, on the ETag
    # its view sets ("<version>"); for a list, on a digest of the page.
    "django.middleware.http.ConditionalGetMiddleware",
]
ROOT_URLCONF = "ninja_matched.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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
WSGI_APPLICATION = "ninja_matched.wsgi.application"
STATIC_URL = "static/"
USE_TZ = True


# As the project runs SQLite: WAL, synchronous=NORMAL, a 20 s busy timeout, and atomic
# blocks that take the write lock at BEGIN (IMMEDIATE), so that writers queue.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": url.removeprefix("sqlite:///"),
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": 60,
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": parts.port,
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": _database(os.environ["DATABASE_URL"])}
