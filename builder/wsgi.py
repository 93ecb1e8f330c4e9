"""WSGI entry point (admin and API without websockets, e.g. behind gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builder.settings.dev")
application = get_wsgi_application()
