"""WSGI entry point, e.g. `gunicorn umbrella.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

application = get_wsgi_application()
