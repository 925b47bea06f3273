"""The daily bundle: published only when the indicators or rules changed; the back office
shows bundles and uploaded reports read-only to authority staff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.scanner.bundle import generate_private_key_pem
from cleannet.server.intel.models import Indicator
from cleannet.server.scanhub import reports, services, tasks
from cleannet.server.scanhub.models import ScanReportUpload, SignatureBundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(settings, tmp_path: Path) -> Path:
    key_file = tmp_path / "signing-key.pem"
    key_file.write_bytes(generate_private_key_pem())
    rules = tmp_path / "rules"
    rules.mkdir()
    settings.VAR_DIR = tmp_path / "var"
    settings.CLEANNET_SCANNER = SimpleNamespace(
        signing_key_file=key_file, rules_dir=rules, bundle_max_tlp="CLEAR"
    )
    return rules


def _hash_indicator(value: str) -> Indicator:
    now = timezone.now()
    return Indicator.objects.create(
        kind="sha256", value=value, tlp="CLEAR", first_seen=now, last_seen=now,
        valid_from=now - dt.timedelta(days=1),
    )  # fmt: skip


def test_it_publishes_a_first_bundle_then_only_when_something_changed(hub: Path) -> None:
    _hash_indicator("1" * 64)
    first = services.publish_if_changed()
    assert first is not None
    assert services.publish_if_changed() is None  # nothing changed
    _hash_indicator("2" * 64)
    second = services.publish_if_changed()
    assert second is not None and second.version != first.version
    (hub / "extra.yar").write_text('rule Extra { strings: $a = "x" condition: $a }')
    assert services.publish_if_changed() is not None  # a rule file counts too
    assert SignatureBundle.objects.count() == 3


def test_an_indicator_that_expires_makes_a_new_bundle(hub: Path) -> None:
    expiring = _hash_indicator("3" * 64)
    assert services.publish_if_changed() is not None
    Indicator.objects.filter(pk=expiring.pk).update(
        valid_until=timezone.now() - dt.timedelta(minutes=1)
    )
    latest = services.publish_if_changed()
    assert latest is not None and latest.counts["hash-iocs.txt"] == 1  # the header line only


def test_a_newest_bundle_whose_file_is_gone_is_published_again(hub: Path) -> None:
    first = services.publish_if_changed()
    services.bundle_path(first).unlink()
    assert services.publish_if_changed() is not None


def test_the_daily_task_publishes_through_the_same_rule(hub: Path) -> None:
    tasks.publish_daily_bundle.call_local()
    tasks.publish_daily_bundle.call_local()
    assert SignatureBundle.objects.count() == 1


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_the_back_office_lists_bundles_and_reports_read_only(
    english, personas, hub, persona
) -> None:
    bundle = services.build_and_publish(None)
    upload = reports.record_report_upload(
        {
            "schema_version": 1,
            "scanner_version": "0.1.0",
            "bundle_version": None,
            "exit_code": 0,
            "paths": "withheld",
            "detections": [],
            "unscanned": [],
            "totals": {
                "files": 7,
                "bytes": 1,
                "archives": 0,
                "detections": 0,
                "unscanned": 0,
                "errors": 0,
                "seconds": 0.1,
            },
        },
        "198.51.100.7",
    )
    english.force_login(personas.all()[persona].user)
    bundles = english.get("/admin/scanhub/signaturebundle/")
    assert bundles.status_code == 200 and bundle.version in bundles.content.decode()
    uploads = english.get("/admin/scanhub/scanreportupload/")
    assert uploads.status_code == 200 and "0.1.0" in uploads.content.decode()
    detail = english.get(f"/admin/scanhub/scanreportupload/{upload.pk}/change/")
    assert detail.status_code == 200 and upload.rate_bucket not in detail.content.decode()
    assert english.get("/admin/scanhub/signaturebundle/add/").status_code == 403
    url = f"/admin/scanhub/scanreportupload/{upload.pk}/delete/"
    assert english.post(url, {"post": "yes"}).status_code == 403
    assert ScanReportUpload.objects.filter(pk=upload.pk).exists()


def test_other_roles_do_not_get_into_the_back_office(client, personas) -> None:
    client.force_login(personas.member.user)
    assert client.get("/admin/scanhub/scanreportupload/").status_code == 302
