from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.server.accounts import services as accounts
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.networks import services as networks
from cleannet.server.networks.models import Prefix

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "engines" / "feeds" / "fixtures" / "attribution"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Reasons are translated; these tests read the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def isps() -> None:
    """Two ISPs with their AS (documentation AS numbers), and a bank; no prefixes yet."""
    song_hong = accounts.create_organisation(None, "Song Hong Net", OrganisationKind.ISP)
    phuong_nam = accounts.create_organisation(None, "Phuong Nam Net", OrganisationKind.ISP)
    accounts.create_organisation(None, "Demo Bank", OrganisationKind.BANK)
    networks.add_autonomous_system(None, 64500, "Song Hong", song_hong)
    networks.add_autonomous_system(None, 64501, "Phuong Nam", phuong_nam)


def test_it_lists_the_networks_commands_in_its_help() -> None:
    result = runner.invoke(app, ["networks", "--help"])
    assert result.exit_code == 0
    for command in ("import-ipasn", "import-delegated", "import-prefixes", "lookup"):
        assert command in result.output


def test_it_imports_an_ipasn_dump_and_prints_a_summary(isps) -> None:
    result = runner.invoke(app, ["networks", "import-ipasn", str(FIXTURES / "ipasn.dat")])
    assert result.exit_code == 0, result.output
    assert "6 created, 0 updated, 0 unchanged, 7 rejected, 1 held aside" in result.output
    assert "line 12: cidr:" in result.output
    assert "held aside: 1 prefixes, AS64502: not known to CleanNet" in result.output


def test_it_imports_delegated_statistics_of_one_country_with_a_holder_given(isps) -> None:
    path = str(FIXTURES / "delegated-extended.txt")
    args = [
        "networks",
        "import-delegated",
        path,
        "--country",
        "VN",
        "--holder",
        "A9000004=demo-bank",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "5 created, 0 updated, 0 unchanged, 8 rejected, 2 held aside" in result.output
    assert Prefix.objects.get(cidr="192.0.2.0/26").organisation.slug == "demo-bank"


def test_it_names_the_option_when_a_holder_is_not_written_id_equals_name(isps) -> None:
    path = str(FIXTURES / "delegated-extended.txt")
    result = runner.invoke(app, ["networks", "import-delegated", path, "--holder", "A9000004"])
    assert result.exit_code == 1
    assert "holder: 'A9000004' is not OPAQUE_ID=SHORT_NAME" in result.output


def test_it_names_the_country_it_refuses(isps) -> None:
    path = str(FIXTURES / "delegated-extended.txt")
    result = runner.invoke(app, ["networks", "import-delegated", path, "--country", "VNM"])
    assert result.exit_code == 1
    assert "country:" in result.output


def test_it_imports_organisation_prefixes_and_looks_up_the_holder_on_a_day(isps) -> None:
    result = runner.invoke(app, ["networks", "import-prefixes", str(FIXTURES / "org-prefixes.csv")])
    assert result.exit_code == 0, result.output
    assert "5 created" in result.output
    before = runner.invoke(app, ["networks", "lookup", "203.0.113.200", "--at", "2025-06-30"])
    after = runner.invoke(
        app, ["networks", "lookup", "203.0.113.200", "--at", "2025-07-01T08:00:00Z"]
    )
    assert before.exit_code == 0 and after.exit_code == 0
    assert "Song Hong Net (song-hong-net), 203.0.113.128/25, AS64500" in before.output
    assert "Phuong Nam Net (phuong-nam-net), 203.0.113.128/25, AS64501" in after.output
    assert "held 2025-07-01 to now" in after.output


def test_it_says_when_nobody_held_an_address(isps) -> None:
    result = runner.invoke(app, ["networks", "lookup", "192.0.2.1", "--at", "2026-03-01"])
    assert result.exit_code == 0
    assert "192.0.2.1: nobody held it on 2026-03-01" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["203.0.113.999"], "ip: part '999' is above 255"),
        (["203.0.113.1", "--at", "yesterday"], "at:"),
    ],
)
def test_it_names_what_it_cannot_read_in_a_lookup(isps, args, message) -> None:
    result = runner.invoke(app, ["networks", "lookup", *args])
    assert result.exit_code == 1
    assert message in result.output
