"""An owner report's file in each format parses back to exactly the report's events."""

from __future__ import annotations

import csv
import io
import json

import pytest
import stix2
from django.core.exceptions import ValidationError

from cleannet.server.notices.owner_report_files import report_attachment, report_download

from .owner_report_world import FORMULA, make_report, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(report_world):
    """A report of Song Hong Net's first and third events (the second is not in it)."""
    first, _, third = report_world.isp_events
    return make_report(report_world.personas.isp_org, [first, third])


def test_it_exports_the_reports_events_as_csv(report) -> None:
    data, content_type, filename = report_download(report, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [row["source.ip"] for row in rows] == ["203.0.113.1", "203.0.113.9"]
    assert rows[1]["classification.identifier"] == "'" + FORMULA.lower()
    assert content_type == "text/csv; charset=utf-8"
    assert filename == f"cleannet-{report.number}.csv"


def test_it_exports_a_json_document_with_intelmq_names(report) -> None:
    data, content_type, filename = report_download(report, "json")
    document = json.loads(data)
    assert document["ticket"] == report.number
    assert document["organisation"] == "song-hong-net"
    assert document["event_count"] == 2
    assert [e["source.ip"] for e in document["events"]] == ["203.0.113.1", "203.0.113.9"]
    assert document["events"][0]["classification.type"] == "infected-system"
    assert content_type == "application/json"
    assert filename.endswith(".json")


def test_it_exports_a_stix_bundle_naming_only_the_owner(report, report_world) -> None:
    data, content_type, filename = report_download(report, "stix")
    bundle = stix2.parse(data.decode("utf-8"), allow_custom=True)
    types = [obj["type"] for obj in bundle.objects]
    assert types.count("observed-data") == 2
    addresses = {obj["value"] for obj in bundle.objects if obj["type"] == "ipv4-addr"}
    assert {"203.0.113.1", "203.0.113.9"} <= addresses
    assert "203.0.113.2" not in addresses
    identities = {obj["name"] for obj in bundle.objects if obj["type"] == "identity"}
    assert report_world.personas.isp_org.name in identities
    assert report_world.personas.other_isp_org.name not in identities
    assert content_type.startswith("application/stix+json")
    assert filename.endswith(".stix.json")


def test_it_refuses_an_unknown_format_naming_the_field(report) -> None:
    with pytest.raises(ValidationError) as caught:
        report_download(report, "xml")
    assert list(caught.value.message_dict) == ["format"]


def test_it_attaches_the_file_in_the_reports_format_up_to_a_size(report) -> None:
    attachment = report_attachment(report)
    assert attachment is not None
    assert attachment.name == f"cleannet-{report.number}.csv"
    assert attachment.data == report_download(report, "csv")[0]
    assert report_attachment(report, max_bytes=len(attachment.data)) == attachment
    assert report_attachment(report, max_bytes=len(attachment.data) - 1) is None
