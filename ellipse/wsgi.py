"""WSGI entry point (gunicorn ellipse.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ellipse.settings.production")
application = get_wsgi_application()
