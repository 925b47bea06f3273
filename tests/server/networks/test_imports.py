import datetime as dt
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks import services
from cleannet.server.networks.imports import (
    OPEN_START,
    import_delegated,
    import_ipasn,
    import_org_prefixes,
)
from cleannet.server.networks.index import forget_prefix_indexes, load_prefix_index
from cleannet.server.networks.models import Prefix

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[2] / "engines" / "feeds" / "fixtures" / "attribution"
IPASN = FIXTURES / "ipasn.dat"
DELEGATED = FIXTURES / "delegated-extended.txt"
ORG_PREFIXES = FIXTURES / "org-prefixes.csv"
SINCE = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Reasons are translated; these tests read the English ones."""
    with translation.override("en"):
        yield


def counts(report) -> tuple[int, int, int, int, int]:
    held_aside = sum(report.held_aside.values())
    return report.created, report.updated, report.unchanged, len(report.rejected), held_aside


def holder_of(cidr: str) -> str:
    return Prefix.objects.get(cidr=cidr, valid_until__isnull=True).organisation.slug


# --- IPASN ----------------------------------------------------------------------------


def test_it_imports_an_ipasn_dump_for_the_organisations_of_known_ases(personas, networks) -> None:
    report = import_ipasn(IPASN, personas.analyst.user, since=SINCE)
    assert counts(report) == (3, 0, 3, 7, 1)
    created = Prefix.objects.get(cidr="203.0.113.128/25")
    assert created.organisation == personas.isp_org and created.asn == networks.isp_as
    assert created.valid_from == SINCE and created.valid_until is None
    assert holder_of("198.51.100.0/25") == "phuong-nam-net"
    assert holder_of("2001:db8:a:1::/64") == "song-hong-net"


def test_it_reports_the_rejected_lines_of_an_ipasn_dump(networks) -> None:
    report = import_ipasn(IPASN, None, since=SINCE)
    assert [reject.line for reject in report.rejected] == [12, 13, 14, 15, 16, 17, 20]


def test_it_holds_aside_the_prefixes_of_an_unknown_as(networks) -> None:
    report = import_ipasn(IPASN, None, since=SINCE)
    assert dict(report.held_aside) == {"AS64502: not known to CleanNet": 1}
    assert not Prefix.objects.filter(cidr="192.0.2.0/24").exists()


def test_it_holds_aside_the_prefixes_of_an_as_without_an_organisation(networks) -> None:
    services.add_autonomous_system(None, 64502, "Unattached")
    report = import_ipasn(IPASN, None, since=SINCE)
    assert dict(report.held_aside) == {"AS64502: known, without an organisation": 1}


def test_importing_the_same_ipasn_dump_again_creates_nothing(networks) -> None:
    import_ipasn(IPASN, None, since=SINCE)
    prefixes, audits = Prefix.objects.count(), AuditEntry.objects.count()
    again = import_ipasn(IPASN, None, since=SINCE + dt.timedelta(days=7))
    assert counts(again) == (0, 0, 6, 7, 1)
    assert (Prefix.objects.count(), AuditEntry.objects.count()) == (prefixes, audits)


def test_it_refuses_to_move_a_prefix_held_by_another_organisation(networks, tmp_path) -> None:
    dump = tmp_path / "moved.dat"
    dump.write_text("; moved\n198.51.100.0/24\t64500\n")
    report = import_ipasn(dump, None, since=SINCE)
    (reject,) = report.rejected
    assert reject.line == 2 and "Phuong Nam Net" in reject.reason
    assert holder_of("198.51.100.0/24") == "phuong-nam-net"


def test_it_updates_the_as_of_a_prefix_its_holder_now_routes_from_another_as(
    personas, networks, tmp_path
) -> None:
    services.add_autonomous_system(None, 64503, "Song Hong 2", personas.isp_org)
    dump = tmp_path / "new-origin.dat.gz"
    with gzip.open(dump, "wt") as stream:
        stream.write("203.0.113.0/24\t64503\n")
    report = import_ipasn(dump, None, since=SINCE)
    assert counts(report) == (0, 1, 0, 0, 0)
    networks.isp_v4.refresh_from_db()
    assert networks.isp_v4.asn.number == 64503


def test_it_writes_an_audit_entry_per_imported_prefix(personas, networks) -> None:
    import_ipasn(IPASN, personas.analyst.user, since=SINCE)
    entries = AuditEntry.objects.filter(action="prefix.add", actor=personas.analyst.user)
    assert entries.count() == 3


def test_it_reports_progress_in_lines(networks) -> None:
    calls: list[tuple[int, int]] = []
    import_ipasn(IPASN, None, since=SINCE, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (20, 20)


# --- delegated statistics -------------------------------------------------------------


def test_it_imports_delegated_prefixes_for_holders_matched_through_their_ases(networks) -> None:
    report = import_delegated(DELEGATED, None, "VN")
    assert counts(report) == (2, 0, 2, 8, 3)
    created = Prefix.objects.get(cidr="2001:db8:b::/48")
    assert created.organisation.slug == "phuong-nam-net"
    assert created.valid_from == dt.date(2009, 3, 15) and created.asn is None
    assert holder_of("198.51.100.0/25") == "phuong-nam-net"


def test_it_holds_aside_the_prefixes_of_holders_it_cannot_match(networks) -> None:
    report = import_delegated(DELEGATED, None, "VN")
    assert dict(report.held_aside) == {
        "holder A9000003: no AS of an organisation": 2,
        "holder A9000004: no AS of an organisation": 1,
    }


def test_it_matches_a_holder_to_the_organisation_given_for_it(networks) -> None:
    report = import_delegated(DELEGATED, None, "VN", holders={"A9000004": "demo-bank"})
    assert report.created == 3
    prefix = Prefix.objects.get(cidr="192.0.2.0/26")
    assert prefix.organisation.slug == "demo-bank" and prefix.valid_from == OPEN_START


def test_it_holds_aside_a_holder_whose_ases_belong_to_several_organisations(
    personas, networks, tmp_path
) -> None:
    services.add_autonomous_system(None, 64505, "Bank AS", personas.bank)
    statistics = tmp_path / "delegated.txt"
    statistics.write_text(
        "apnic|VN|asn|64500|1|20080101|allocated|H1\n"
        "apnic|VN|asn|64505|1|20080101|allocated|H1\n"
        "apnic|VN|ipv4|192.0.2.0|256|20080101|allocated|H1\n"
    )
    report = import_delegated(statistics, None)
    assert dict(report.held_aside) == {"holder H1: ASes of several organisations": 1}


def test_importing_the_same_delegated_file_again_creates_nothing(networks) -> None:
    import_delegated(DELEGATED, None, "VN")
    again = import_delegated(DELEGATED, None, "VN")
    assert counts(again) == (0, 0, 4, 8, 3)


@pytest.mark.parametrize(
    ("country", "holders", "field"), [("VNM", None, "country"), (None, {"X": "nobody"}, "holders")]
)
def test_it_refuses_a_bad_country_or_holder_before_writing(
    networks, country, holders, field
) -> None:
    with pytest.raises(ValidationError) as caught:
        import_delegated(DELEGATED, None, country, holders=holders)
    assert field in caught.value.message_dict
    assert Prefix.objects.count() == 3


# --- organisation prefixes ------------------------------------------------------------


def test_it_imports_organisation_prefixes_with_their_history(personas, networks) -> None:
    report = import_org_prefixes(ORG_PREFIXES, personas.admin.user)
    assert counts(report) == (5, 0, 0, 8, 0)
    before = services.owner_of("203.0.113.200", dt.date(2025, 6, 30))
    after = services.owner_of("203.0.113.200", dt.date(2025, 7, 1))
    assert before.organisation == personas.isp_org
    assert after.organisation == personas.other_isp_org
    assert after.autonomous_system == networks.other_as
    assert Prefix.objects.get(cidr="198.51.100.0/25").valid_from == OPEN_START


def test_it_rejects_rows_naming_an_unknown_organisation_or_as(networks) -> None:
    report = import_org_prefixes(ORG_PREFIXES, None)
    reasons = {reject.line: reject.reason for reject in report.rejected}
    assert sorted(reasons) == [9, 10, 11, 12, 13, 14, 15, 16]
    assert reasons[15].startswith("organisation:") and "nobody-at-all" in reasons[15]
    assert reasons[16].startswith("asn:") and "64509" in reasons[16]


def test_importing_the_same_organisation_prefixes_again_changes_nothing(networks) -> None:
    import_org_prefixes(ORG_PREFIXES, None)
    assert counts(import_org_prefixes(ORG_PREFIXES, None)) == (0, 0, 5, 8, 0)


def test_a_new_end_day_in_the_file_updates_the_holding(networks, tmp_path) -> None:
    rows = tmp_path / "prefixes.csv"
    rows.write_text("demo-bank,192.0.2.0/24,,2021-01-01,\n")
    import_org_prefixes(rows, None)
    rows.write_text("demo-bank,192.0.2.0/24,,2021-01-01,2026-01-01\n")
    assert counts(import_org_prefixes(rows, None)) == (0, 1, 0, 0, 0)
    assert Prefix.objects.get(cidr="192.0.2.0/24").valid_until == dt.date(2026, 1, 1)


def test_a_holding_that_overlaps_another_is_rejected_with_the_services_reason(
    networks, tmp_path
) -> None:
    rows = tmp_path / "prefixes.csv"
    rows.write_text("demo-bank,203.0.113.0/24,,2021-01-01,\n")
    (reject,) = import_org_prefixes(rows, None).rejected
    assert reject.line == 1 and reject.reason.startswith("valid_from:")


def test_the_index_agrees_with_owner_of_after_the_imports(networks) -> None:
    import_org_prefixes(ORG_PREFIXES, None)
    import_ipasn(IPASN, None, since=SINCE)
    import_delegated(DELEGATED, None, "VN", holders={"A9000004": "demo-bank"})
    forget_prefix_indexes()
    index = load_prefix_index()
    addresses = [f"203.0.113.{n}" for n in range(0, 256, 3)] + [
        f"198.51.100.{n}" for n in range(0, 256, 5)
    ]
    addresses += [f"192.0.2.{n}" for n in range(0, 256, 7)] + ["2001:db8:a:b::1", "2001:db8:a:1::1"]
    for day in (dt.date(2021, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1), SINCE):
        for address in addresses:
            hit, found = index.lookup(address, None, day), services.owner_of(address, day)
            assert (hit and hit.prefix) == (found and found.prefix.cidr), (address, day)
            assert (hit and hit.owner) == (found and found.organisation.slug), (address, day)
