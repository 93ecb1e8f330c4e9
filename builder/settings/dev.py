"""Local development and `make run`: the embedded defaults, a key kept in the data folder."""

from builder.config import env_bool, env_str, persistent_secret_key
from builder.settings.base import *  # noqa: F403
from builder.settings.base import DATA_DIR, SECRET_KEY

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = SECRET_KEY or persistent_secret_key(DATA_DIR)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # a rebuilt frontend/dist is served without a restart
# Invitation mails land in the terminal unless a mail backend is configured.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
