"""The benchmark's settings: the site's production settings with ``portal_urls`` as the site
map, and 127.0.0.1 as the trusted proxy when the settings do not name one yet (wrk sends each
visitor's address as ``X-Forwarded-For``; ``selfcheck.clientip`` reads the setting)."""

from cleannet.server.settings import *  # noqa: F403

ROOT_URLCONF = "portal_urls"
if not globals().get("CLEANNET_TRUSTED_PROXIES"):
    CLEANNET_TRUSTED_PROXIES = ("127.0.0.1/32",)
