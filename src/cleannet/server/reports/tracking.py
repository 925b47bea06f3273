"""Tracking numbers (``CN-2026-000123``) and the secrets of status links.

The number is a plain yearly sequence: it names a report in letters and calls, and reveals
nothing alone; the status page needs the secret too, which is stored only as SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.db import transaction

from cleannet.server.reports.models import TrackingSequence

TRACKING_RE = re.compile(r"CN-\d{4}-\d{6,}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Compared against when no report has the number, so both answers take the same work.
_NO_HASH = "0" * 64


def next_tracking_number(year: int) -> str:
    """Issue the next number of ``year``; two concurrent callers never get the same one."""
    with transaction.atomic():
        TrackingSequence.objects.get_or_create(year=year)
        sequence = TrackingSequence.objects.select_for_update().get(year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return f"CN-{year:04d}-{sequence.last:06d}"


def new_secret() -> str:
    """Return a fresh status-link secret (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Compare in constant time; a malformed secret or a missing report never matches."""
    candidate = secret_hash(secret) if _SECRET_RE.fullmatch(secret) else _NO_HASH
    matched = hmac.compare_digest(candidate, stored_hash or _NO_HASH)
    return matched and stored_hash is not None and candidate != _NO_HASH
