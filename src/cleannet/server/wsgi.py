"""The WSGI application for any WSGI server (waitress or gunicorn in ``cleannet serve``, uWSGI).

``/range/`` (the Pwned Passwords range API) is answered by ``RangeFront`` before Django's
middleware; everything else is the Django site.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
django_application = get_wsgi_application()

from cleannet.server.leaks.range_front import RangeFront  # noqa: E402 (needs Django set up)

application = RangeFront(django_application)
