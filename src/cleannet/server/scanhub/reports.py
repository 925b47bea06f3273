"""Scan reports citizens choose to upload (``cleannet-scan --upload-report``), and what the
analysts' page shows of them.

``record_report_upload(document, client_ip)`` checks the document against the schema the
scanner writes (``cleannet.scanner.upload_schema``; ``InvalidValue`` names the field), counts
the client against ``UPLOADS_PER_HOUR`` (``TooManyReports``) and stores only what the
schema lets through: no path, no description, no address. The rate limit counts stored
uploads whose ``rate_bucket`` (a keyed hash of the address and the hour) matches; buckets
of hours that are over are blanked by ``forget_rate_buckets`` (hourly task), so nothing
links one address's uploads across hours.

Citizens upload without an account, so there is no actor and no audit entry per upload:
the table itself is the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cleannet.scanner.upload_schema import CheckedDetection, check_upload
from cleannet.server.scanhub.models import ScanReportUpload

UPLOADS_PER_HOUR = 30
CHART_DAYS = 30
_CHART_ROWS = 5000  # the newest uploads the per-name counts are drawn from


class TooManyReports(Exception):
    """This client sent ``UPLOADS_PER_HOUR`` reports this hour already."""


def _hour(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def rate_bucket(client_ip: str, now: dt.datetime) -> str:
    """The keyed hash standing for ``client_ip`` during the hour of ``now``."""
    message = f"scanner-report\0{client_ip}\0{_hour(now).isoformat()}".encode()
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _kept(detection: CheckedDetection) -> dict[str, object]:
    return {
        "name": detection.name,
        "kind": detection.kind,
        "action": detection.action,
        "score": detection.score,
        "sha256": detection.sha256,
    }


def record_report_upload(
    document: Any, client_ip: str, now: dt.datetime | None = None
) -> ScanReportUpload:
    """Check and store one uploaded report; return the stored row.

    Raises ``InvalidValue`` (the field and why) or ``TooManyReports``.
    """
    checked = check_upload(document)
    now = now or timezone.now()
    bucket = rate_bucket(client_ip, now)
    with transaction.atomic():
        # Two uploads racing may both pass at the 30th: a limit against floods, not a quota.
        if ScanReportUpload.objects.filter(rate_bucket=bucket).count() >= UPLOADS_PER_HOUR:
            raise TooManyReports
        return ScanReportUpload.objects.create(
            received_at=now,
            scanner_version=checked.scanner_version,
            bundle_version=checked.bundle_version or "",
            exit_code=checked.exit_code,
            paths_included=checked.paths_included,
            totals=checked.totals,
            detections=[_kept(d) for d in checked.detections],
            detection_count=len(checked.detections),
            unscanned_reasons=checked.unscanned_reasons,
            rate_bucket=bucket,
        )


def forget_rate_buckets(now: dt.datetime | None = None) -> int:
    """Blank the rate buckets of hours that are over; return how many rows changed."""
    current = _hour(now or timezone.now())
    old = ScanReportUpload.objects.filter(received_at__lt=current).exclude(rate_bucket="")
    return old.update(rate_bucket="")


def recent_uploads(limit: int = 50) -> list[ScanReportUpload]:
    return list(ScanReportUpload.objects.order_by("-received_at", "-id")[:limit])


def detection_counts(
    now: dt.datetime | None = None, days: int = CHART_DAYS, top: int = 20
) -> list[tuple[str, int]]:
    """How many uploads of the last ``days`` named each detection (most first, ``top``)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    rows = (
        ScanReportUpload.objects.filter(received_at__gte=since, detection_count__gt=0)
        .order_by("-received_at")
        .values_list("detections", flat=True)[:_CHART_ROWS]
    )
    counts: Counter[str] = Counter()
    for detections in rows:
        counts.update({item["name"] for item in detections})  # once per upload
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:top]
