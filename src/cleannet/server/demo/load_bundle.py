"""The demo's first signature bundle, so that ``cleannet-scan --bundle-url`` and the online
file scan have signatures from the start: the platform's indicators (as every bundle) plus the
SHA-256 of the EICAR test file, the harmless string every antivirus product detects, so a
visitor can see a detection. Only the hash is written here, never the file itself.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cleannet.server.scanhub import services
from cleannet.server.scanhub.models import SignatureBundle

EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
EICAR_LINE = f"{EICAR_SHA256};EICAR-Test-File (the antivirus test string, not malware)\n"


def publish_demo_bundle(now: dt.datetime | None = None) -> bool:
    """Build and publish a bundle unless one exists; return whether one was published (not
    without a signing key: one is made under var/ in debug, as ``make demo`` runs)."""
    if SignatureBundle.objects.exists():
        return False
    try:
        services.signing_key()
    except ImproperlyConfigured:
        return False
    files = services.gather_files(now or timezone.now())
    files["hash-iocs.txt"] = files.get("hash-iocs.txt", b"") + EICAR_LINE.encode()
    services.build_and_publish(None, files=files)
    return True
