"""The WSGI application for any WSGI server (waitress in ``cleannet serve``, gunicorn, uWSGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
application = get_wsgi_application()
