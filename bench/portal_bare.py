"""The bare Django view of ``bench/leaks_bare.py`` as a WSGI application for gunicorn, so the
reference runs under the same server as ``cleannet serve --processes`` does.

Usage: ``gunicorn --pythonpath bench portal_bare:application`` (``portal_http.bare_command``).
"""

from __future__ import annotations

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF="leaks_bare",
    MIDDLEWARE=[],
    SECRET_KEY="bench-only-not-a-secret",  # noqa: S106
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
