"""The public blocklist downloads carry the confirmed fakes, with ETag and Last-Modified;
the RPZ zone loads in BIND's own checker."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess

import pytest

from cleannet.server.brands import alerts
from cleannet.server.brands.models import LookalikeAlert

pytestmark = pytest.mark.django_db

FAKE = "demobank-dangnhap.com"
DOWNLOADS = [
    "/brands/blocklist.rpz",
    "/brands/blocklist.hosts",
    "/brands/blocklist.csv",
    "/brands/blocklist.stix.json",
]


@pytest.fixture
def confirmed(personas, brand) -> LookalikeAlert:
    alerts.record_names([FAKE, "demobank-khuyenmai.net"], "certstream")
    alert = LookalikeAlert.objects.get(host=FAKE)
    return alerts.confirm_alert(personas.analyst.user, alert, "internal note")


def test_every_download_is_public_and_carries_only_confirmed_fakes(client, confirmed) -> None:
    for path in DOWNLOADS:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert FAKE in body, path
        assert "demobank-khuyenmai.net" not in body and "internal note" not in body, path
        assert response["ETag"] and response["Last-Modified"], path


def test_the_rpz_zone_blocks_the_name_and_its_subdomains(client, confirmed) -> None:
    response = client.get("/brands/blocklist.rpz")
    assert response["Content-Type"].startswith("text/dns")
    body = response.content.decode()
    assert f"{FAKE} IN CNAME ." in " ".join(body.split())
    assert f"*.{FAKE} IN CNAME ." in " ".join(body.split())


@pytest.mark.skipif(shutil.which("named-checkzone") is None, reason="BIND tools not installed")
def test_the_rpz_zone_passes_named_checkzone(client, confirmed, tmp_path) -> None:
    zone = tmp_path / "fakes.rpz"
    zone.write_bytes(client.get("/brands/blocklist.rpz").content)
    checker = shutil.which("named-checkzone")
    assert checker is not None
    checked = subprocess.run(  # noqa: S603 - our own zone file, a fixed tool
        [checker, "rpz.cleannet.vn", str(zone)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK" in checked.stdout


def test_the_stix_bundle_is_json_with_an_indicator(client, confirmed) -> None:
    bundle = json.loads(client.get("/brands/blocklist.stix.json").content)
    assert bundle["type"] == "bundle"
    assert any(o["type"] == "indicator" and FAKE in o["pattern"] for o in bundle["objects"])


def test_a_client_with_the_current_version_gets_304(client, confirmed) -> None:
    first = client.get("/brands/blocklist.hosts")
    again = client.get("/brands/blocklist.hosts", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = client.get(
        "/brands/blocklist.hosts", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_a_dismissal_changes_the_version(client, personas, confirmed) -> None:
    first = client.get("/brands/blocklist.csv")
    alerts.dismiss_alert(personas.analyst.user, confirmed)
    after = client.get("/brands/blocklist.csv", headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200
    assert FAKE not in after.content.decode()


def test_the_rpz_policy_comes_from_the_settings(client, confirmed, settings) -> None:
    settings.CLEANNET_BRANDS = dataclasses.replace(
        settings.CLEANNET_BRANDS, rpz_policy="walled-garden", walled_garden_ipv4="192.0.2.80"
    )
    body = " ".join(client.get("/brands/blocklist.rpz").content.decode().split())
    assert f"{FAKE} IN A 192.0.2.80" in body


def test_the_lists_are_empty_but_valid_before_any_decision(client, brand) -> None:
    for path in DOWNLOADS:
        assert client.get(path).status_code == 200, path
