"""Retention: malicious samples are kept for the set number of days, then the periodic
task deletes them (and stale uploads); verdicts stay."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.filescan import tasks
from cleannet.server.filescan.models import FileVerdict
from cleannet.server.filescan.services import purge_expired_samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(scan_site, eicar) -> FileVerdict:
    scan_site.settings.CLEANNET_FILESCAN_KEEP_DAYS = 7
    Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})
    return FileVerdict.objects.get(sha256=hashlib.sha256(eicar).hexdigest())


def test_a_malicious_sample_is_kept_for_the_set_days(kept):
    kept_for = kept.sample_kept_until - kept.scanned_at
    assert dt.timedelta(days=7) - dt.timedelta(seconds=5) < kept_for <= dt.timedelta(days=7)


def test_the_purge_leaves_samples_whose_time_has_not_come(scan_site, kept):
    assert purge_expired_samples(timezone.now() + dt.timedelta(days=6)) == 0
    assert scan_site.sample(kept.sha256).exists()


def test_the_purge_deletes_expired_samples_and_keeps_the_verdict(scan_site, kept):
    assert purge_expired_samples(timezone.now() + dt.timedelta(days=8)) == 1

    kept.refresh_from_db()
    assert not scan_site.sample(kept.sha256).exists()
    assert kept.sample_kept_until is None
    assert kept.verdict == "malicious"
    assert AuditEntry.objects.filter(action="filescan.sample_purged").count() == 1


def test_the_periodic_task_purges(scan_site, kept):
    FileVerdict.objects.filter(pk=kept.pk).update(
        sample_kept_until=timezone.now() - dt.timedelta(minutes=1)
    )
    tasks.purge_samples.call_local()
    assert not scan_site.sample(kept.sha256).exists()


def test_the_purge_deletes_uploads_left_by_dead_requests(scan_site, kept):
    stale = scan_site.root / "incoming" / "upload-stale"
    fresh = scan_site.root / "incoming" / "upload-fresh"
    stale.write_bytes(b"half an upload")
    fresh.write_bytes(b"an upload in progress")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))

    purge_expired_samples()
    assert not stale.exists()
    assert fresh.exists()
