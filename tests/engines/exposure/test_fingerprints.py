"""Known-vulnerable versions matched on version strings as real banners carry them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.engines.exposure import Finding
from cleannet.engines.exposure.fingerprints import (
    FingerprintError,
    apply,
    default_rules,
    load_rules,
    match,
    version_key,
)
from cleannet.engines.exposure.probes.ssh import parse_ssh_banner


def cves(product: str, version: str) -> set[str]:
    return {cve for vulnerability in match(product, version) for cve in vulnerability.cves}


def test_it_ships_about_twenty_rules_that_load() -> None:
    assert len(default_rules()) >= 20


def test_it_reads_versions_the_way_banners_write_them() -> None:
    assert version_key("OpenSSH_7.4p1") == (7, 4, 0, 0, 1, 0)
    assert version_key("5.5.5-10.3.39-MariaDB-0+deb10u2") == (10, 3, 39, 0, 0, 0)
    assert version_key("1.0.1f") == (1, 0, 1, 0, 0, 6)
    assert version_key("unknown") is None


def test_it_matches_apache_2_4_49_and_2_4_50_path_traversal() -> None:
    assert {"CVE-2021-41773", "CVE-2021-42013"} <= cves("Apache", "2.4.49")
    assert "CVE-2021-42013" in cves("apache", "2.4.50")
    assert "CVE-2021-41773" not in cves("Apache", "2.4.50")
    assert not {"CVE-2021-41773", "CVE-2021-42013"} & cves("Apache", "2.4.51")


def test_it_matches_openssh_from_a_real_banner() -> None:
    parsed = parse_ssh_banner(b"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n")
    assert parsed is not None
    _, product, version, _ = parsed
    assert {"CVE-2023-38408", "CVE-2018-15473"} <= cves(product, version)
    assert "CVE-2024-6387" not in cves(product, version)  # regreSSHion starts at 8.5p1
    assert "CVE-2024-6387" in cves("OpenSSH", "9.2p1")
    assert "CVE-2023-38408" not in cves("OpenSSH", "9.3p2")
    assert cves("OpenSSH", "9.8p1") == set()


def test_it_matches_letter_releases_exactly() -> None:
    assert "CVE-2014-0160" in cves("OpenSSL", "1.0.1f")
    assert "CVE-2014-0160" not in cves("OpenSSL", "1.0.1g")
    assert "CVE-2015-3306" in cves("ProFTPD", "1.3.5")
    assert "CVE-2015-3306" not in cves("ProFTPD", "1.3.5a")


def test_it_matches_mariadb_behind_its_replication_prefix() -> None:
    assert "CVE-2021-27928" in cves("MariaDB", "5.5.5-10.3.27-MariaDB")
    assert "CVE-2021-27928" not in cves("MariaDB", "5.5.5-10.3.39-MariaDB")
    assert "CVE-2012-2122" in cves("MySQL", "5.5.23")
    assert "CVE-2012-2122" not in cves("MySQL", "5.5.24")


def test_it_matches_the_vsftpd_backdoor_and_old_elasticsearch() -> None:
    assert cves("vsFTPd", "2.3.4") == {"CVE-2011-2523"}
    assert cves("vsFTPd", "3.0.3") == set()
    assert "CVE-2015-1427" in cves("Elasticsearch", "1.4.2")
    assert "CVE-2015-1427" not in cves("Elasticsearch", "1.4.3")


def test_it_adds_a_vulnerable_version_finding_after_the_service_finding() -> None:
    service = Finding("scan_ftp", "192.0.2.7", 21, product="vsFTPd", version="2.3.4", tag="ftp")
    clean = Finding("scan_ssh", "192.0.2.7", 22, product="OpenSSH", version="9.9p1", tag="ssh")
    result = apply([service, clean])
    assert [f.tag for f in result] == ["ftp", "vulnerable-version", "ssh"]
    added = result[1]
    assert (added.port, added.severity, added.details["cves"]) == (21, "critical", "CVE-2011-2523")
    assert added.details["confidence"] == "banner"


def test_it_lets_an_operator_file_replace_and_extend_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nid = "vsftpd-2.3.4-backdoor"\nproduct = "vsFTPd"\nversions = "==9.9.9"\n'
        'cves = ["CVE-2011-2523"]\nseverity = "low"\nsummary = "replaced"\n\n'
        '[[rule]]\nid = "local-thing"\nproduct = "Thing"\nversions = ["<2", ">=3,<3.1"]\n'
        'cves = ["CVE-2099-0001"]\nseverity = "medium"\nsummary = "ours"\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert len(rules) == len(default_rules()) + 1
    assert match("vsFTPd", "2.3.4", rules) == []
    assert [v.rule_id for v in match("Thing", "3.0.5", rules)] == ["local-thing"]
    assert len(load_rules(path, extend=False)) == 2


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            '[[rule]]\nid = "x"\nproduct = "P"\nversions = "~1"\ncves = ["CVE-2020-1234"]\n'
            'severity = "low"\nsummary = "s"\n',
            "x.versions",
        ),
        (
            '[[rule]]\nid = "x"\nproduct = "P"\nversions = "<1"\ncves = ["CVE-2020-1234"]\n'
            'severity = "dire"\nsummary = "s"\n',
            "x.severity",
        ),
        (
            '[[rule]]\nid = "x"\nproduct = "P"\nversions = "<1"\ncves = ["2020-1"]\n'
            'severity = "low"\nsummary = "s"\n',
            "x.cves",
        ),
        ('[[rule]]\nproduct = "P"\n', "rule[0].id"),
        ("[[rule]\n", "toml"),
    ],
)
def test_it_names_the_field_of_a_broken_rule(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FingerprintError) as raised:
        load_rules(path)
    assert raised.value.field == field
