"""The report channel's settings, read from Django settings (the lead moves them into config).

Keys: ``CLEANNET_REPORTS_DIR`` (attachments, never served; default ``<var>/reports``),
``CLEANNET_REPORTS_MAX_ATTACHMENT_BYTES`` (per file, default 10 MiB),
``CLEANNET_REPORTS_MAX_ATTACHMENTS`` (per report, default 3),
``CLEANNET_REPORTS_PER_HOUR_PER_CLIENT`` (reports from one client address, default 10),
``CLEANNET_REPORTS_PER_DAY_PER_EMAIL`` (reports giving one e-mail address, default 5) and
``CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS`` (attachment files are deleted this many days
after their report is closed, default 90; 0 deletes them at the next daily run).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReportOptions:
    directory: Path
    max_attachment_bytes: int = 10 * MIB
    max_attachments: int = 3
    per_hour_per_client: int = 10
    per_day_per_email: int = 5
    keep_attachment_days: int = 90


def _setting(name: str, default: Any) -> Any:
    value = getattr(settings, f"CLEANNET_REPORTS_{name}", None)
    return default if value is None or value == "" else value


def current_options() -> ReportOptions:
    """Return the options from the settings now (tests change settings between calls)."""
    return ReportOptions(
        directory=Path(_setting("DIR", Path(settings.VAR_DIR) / "reports")),
        max_attachment_bytes=int(
            _setting("MAX_ATTACHMENT_BYTES", ReportOptions.max_attachment_bytes)
        ),
        max_attachments=int(_setting("MAX_ATTACHMENTS", ReportOptions.max_attachments)),
        per_hour_per_client=int(_setting("PER_HOUR_PER_CLIENT", ReportOptions.per_hour_per_client)),
        per_day_per_email=int(_setting("PER_DAY_PER_EMAIL", ReportOptions.per_day_per_email)),
        keep_attachment_days=_keep_days(),
    )


def _keep_days() -> int:
    value = _setting("KEEP_ATTACHMENT_DAYS", ReportOptions.keep_attachment_days)
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if days < 0:
        raise ImproperlyConfigured(
            f"CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS: {value!r} is not a number of days (0 or more)"
        )
    return days
