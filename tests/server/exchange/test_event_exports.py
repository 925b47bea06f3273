import csv
import io
import json

import pytest

from cleannet.server.exchange.services import (
    CSV_FIELDS,
    EventSelection,
    export_events_csv,
    export_events_jsonl,
    safe_cell,
)
from cleannet.server.networks.services import parse_time

from .conftest import FORMULA

pytestmark = pytest.mark.django_db

CSV_URL = "/api/v1/exchange/events.csv"
JSONL_URL = "/api/v1/exchange/events.jsonl"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("203.0.113.1", "203.0.113.1"),
        (None, ""),
        (23, "23"),
    ],
)
def test_it_defuses_cells_a_spreadsheet_would_run_as_formulas(value, cell) -> None:
    assert safe_cell(value) == cell


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_an_owners_events_as_csv_with_intelmq_names(personas, world) -> None:
    text = "".join(export_events_csv(EventSelection(owner=personas.isp_org)))
    assert text.splitlines()[0] == ",".join(CSV_FIELDS)
    rows = _rows(text)
    assert [r["source.ip"] for r in rows] == ["203.0.113.1", "2001:db8:a::3", "203.0.113.9"]
    assert rows[0]["source.network"] == "203.0.113.0/24"
    assert rows[0]["source.asn"] == "64500"
    assert rows[0]["malware.name"] == "mirai"
    assert rows[2]["classification.identifier"] == "'" + FORMULA


def test_it_exports_every_field_of_each_event_as_one_json_line(personas, world) -> None:
    lines = list(export_events_jsonl(EventSelection(owner=personas.isp_org)))
    assert len(lines) == 3 and all(line.endswith("\n") for line in lines)
    first = json.loads(lines[0])
    assert first["extra.count"] == 4
    assert first["event_hash"] == world.isp_events[0].event_hash
    assert first["classification.taxonomy"] == "malicious-code"


def test_it_exports_only_events_in_the_time_window(personas, world) -> None:
    window = EventSelection(
        owner=personas.isp_org,
        since=parse_time("2026-03-02", "since"),
        until=parse_time("2026-03-03", "until"),
    )
    assert [r["source.ip"] for r in _rows("".join(export_events_csv(window)))] == ["2001:db8:a::3"]


def test_it_reports_progress_in_events(personas, world) -> None:
    done: list[int] = []
    list(export_events_jsonl(EventSelection(), progress=done.append))
    assert sum(done) == 5


def _download(client, url: str, **params) -> str:
    response = client.get(url, **params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


def test_it_streams_an_isp_its_own_events_over_http(api_client, personas, world) -> None:
    response = api_client(personas.isp.token).get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cleannet-events-song-hong-net.csv"' in response["Content-Disposition"]
    text = _download(api_client(personas.isp.token), CSV_URL)
    assert len(_rows(text)) == 3


def test_it_answers_404_when_an_isp_asks_for_another_isps_events(
    api_client, personas, world
) -> None:
    response = api_client(personas.isp.token).get(JSONL_URL, owner="phuong-nam-net")
    assert response.status_code == 404


def test_it_lets_authority_staff_export_any_owner(api_client, personas, world) -> None:
    text = _download(api_client(personas.analyst.token), JSONL_URL, owner="phuong-nam-net")
    assert [json.loads(line)["source.ip"] for line in text.splitlines()] == ["198.51.100.4"]
    everything = _download(api_client(personas.analyst.token), JSONL_URL)
    assert len(everything.splitlines()) == 5


def test_it_answers_404_for_an_owner_that_does_not_exist(api_client, personas, world) -> None:
    assert api_client(personas.admin.token).get(CSV_URL, owner="nobody").status_code == 404


def test_it_shows_an_organisation_member_its_own_events_only(api_client, personas, world) -> None:
    assert _rows(_download(api_client(personas.member.token), CSV_URL)) == []


@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
def test_it_asks_for_credentials_to_export(api_client, url) -> None:
    response = api_client(None).get(url)
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize("field", ["since", "until"])
def test_it_answers_400_naming_a_malformed_bound(api_client, personas, field) -> None:
    response = api_client(personas.isp.token).get(CSV_URL, **{field: "last tuesday"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


def test_it_refuses_to_export_over_post(api_client, personas) -> None:
    assert api_client(personas.isp.token).post(CSV_URL, {}).status_code == 405
