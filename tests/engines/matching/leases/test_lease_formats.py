"""Choosing a lease format, compressed input, and counts that reconcile for every format."""

from __future__ import annotations

import gzip

import pytest
import zstandard

from cleannet.engines.matching.leases import LEASE_FORMATS, UnknownLeaseFormat, read_leases
from cleannet.engines.matching.schema import CGNAT_BLOCK, LEASE

EVERY_FIXTURE = [
    ("radius", "detail-20261130"),
    ("dhcpd", "dhcpd.leases"),
    ("kea", "kea-leases4.csv"),
    ("kea", "kea-leases6.csv"),
    ("cgnat", "cgnat-blocks.csv"),
    ("cgnat", "juniper-pba.log"),
    ("csv", "leases.csv"),
]


def test_it_refuses_an_unknown_format_naming_the_known_ones() -> None:
    with pytest.raises(UnknownLeaseFormat, match="cgnat, csv, dhcpd, kea, radius"):
        read_leases([], "mikrotik")


def test_it_offers_the_formats_the_cli_names() -> None:
    assert sorted(LEASE_FORMATS) == ["cgnat", "csv", "dhcpd", "kea", "radius"]


@pytest.mark.parametrize(("fmt", "name"), EVERY_FIXTURE)
def test_it_reconciles_read_with_used_bad_and_skipped(fmt, name, lease_file) -> None:
    read = read_leases([lease_file(name)], fmt)
    summary = read.summary
    assert summary.read > 0
    assert summary.read == summary.used + summary.bad + summary.skipped
    assert summary.bad == len(summary.samples)
    assert read.leases.schema == LEASE
    assert read.cgnat.schema == CGNAT_BLOCK


@pytest.mark.parametrize(("fmt", "name"), EVERY_FIXTURE)
def test_it_reads_gzip_and_zstandard_files_as_the_plain_ones(
    fmt, name, lease_file, tmp_path
) -> None:
    data = lease_file(name).read_bytes()
    packed_gz, packed_zst = tmp_path / f"{name}.gz", tmp_path / f"{name}.zst"
    packed_gz.write_bytes(gzip.compress(data))
    packed_zst.write_bytes(zstandard.ZstdCompressor().compress(data))
    plain = read_leases([lease_file(name)], fmt)
    for packed in (packed_gz, packed_zst):
        read = read_leases([packed], fmt)
        assert read.leases.drop_columns("evidence") == plain.leases.drop_columns("evidence")
        assert read.cgnat.drop_columns("evidence") == plain.cgnat.drop_columns("evidence")
        assert read.summary.read == plain.summary.read


def test_it_counts_undecodable_bytes_as_a_bad_line_not_a_failure(rows, tmp_path) -> None:
    latin = tmp_path / "leases.csv"
    latin.write_bytes(
        b"subscriber,ip,start,end\n"
        b"nguy\xe1n,203.0.113.10,2026-11-30T10:00:00Z,\n"
        b"alice,203.0.113.\xff,2026-11-30T10:00:00Z,\n"
    )
    read = read_leases([latin], "csv")
    assert rows(read.leases, "subscriber", "ip") == [("nguy\ufffdn", "203.0.113.10")]
    assert (read.summary.used, read.summary.bad) == (1, 1)
