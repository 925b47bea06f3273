"""ISC dhcpd.leases: active entries → intervals, releases end them, the rest is counted."""

from __future__ import annotations

from cleannet.engines.matching.leases import read_leases

COLUMNS = ("subscriber", "ip", "start", "end", "evidence")


def test_it_reads_each_active_lease_as_an_interval(lease_file, rows) -> None:
    read = read_leases([lease_file("dhcpd.leases")], "dhcpd")
    assert rows(read.leases, *COLUMNS) == [
        ("00:1a:2b:3c:4d:5e", "192.0.2.20", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z",
         "dhcpd.leases:9"),
        ("line-0042", "192.0.2.21", "2026-11-30T10:00:00Z", None, "dhcpd.leases:20"),
        ("CUST-1001", "192.0.2.22", "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z",
         "dhcpd.leases:29"),
        ("00:1a:2b:3c:4d:61", "192.0.2.20", "2026-11-30T11:05:00Z", "2026-11-30T13:05:00Z",
         "dhcpd.leases:44"),
        ("00:01:00:01:29:c4:a8:de:08:00:27:b1:da:08", "2001:db8:1::1234",
         "2026-11-30T10:00:00Z", "2026-11-30T13:00:00Z", "dhcpd.leases:69"),
    ]  # fmt: skip


def test_it_ends_an_active_lease_where_a_later_release_of_the_address_says(
    lease_file, rows
) -> None:
    # 192.0.2.20 was leased until 12:00 but released at 11:00 (binding state free, ends 11:00)
    read = read_leases([lease_file("dhcpd.leases")], "dhcpd")
    first = rows(read.leases, "ip", "start", "end")[0]
    assert first == ("192.0.2.20", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z")


def test_it_keeps_a_lease_that_ends_never_open(lease_file, rows) -> None:
    read = read_leases([lease_file("dhcpd.leases")], "dhcpd")
    assert ("192.0.2.21", None) in rows(read.leases, "ip", "end")


def test_it_prefers_a_subscriber_id_then_the_agent_remote_id_then_the_mac(lease_file, rows) -> None:
    read = read_leases([lease_file("dhcpd.leases")], "dhcpd")
    subscribers = dict(rows(read.leases, "ip", "subscriber"))
    assert subscribers["192.0.2.22"] == "CUST-1001"  # set subscriber-id = "CUST-1001";
    assert subscribers["192.0.2.21"] == "line-0042"  # option agent.remote-id "line-0042";
    assert subscribers["192.0.2.20"] == "00:1a:2b:3c:4d:61"  # upper-case MAC lowered


def test_it_counts_free_entries_and_top_level_statements_as_skipped(lease_file) -> None:
    summary = read_leases([lease_file("dhcpd.leases")], "dhcpd").summary
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (13, 5, 4, 4)
    assert summary.read == summary.used + summary.bad + summary.skipped


def test_it_reports_bad_and_cut_short_leases_with_their_line(lease_file) -> None:
    summary = read_leases([lease_file("dhcpd.leases")], "dhcpd").summary
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (56, "lease address '192.0.2.300': part '300' is above 255"),
        (62, "lease has no hardware ethernet, agent.remote-id or subscriber-id"),
        (76, "ia-pd is a delegated prefix; a lease here holds one address"),
        (83, "lease is cut short: the file ends before its closing }"),
    ]


def test_it_reads_a_lease_file_cut_mid_block_and_written_on_after_a_restart(
    lease_file, rows, tmp_path
) -> None:
    text = lease_file("dhcpd.leases").read_text()
    restarted = tmp_path / "dhcpd.leases"
    restarted.write_text(
        text + "\nlease 192.0.2.26 {\n  starts 1 2026/11/30 14:00:00;\n"
        "  ends 1 2026/11/30 15:00:00;\n  hardware ethernet 00:1a:2b:3c:4d:64;\n}\n"
    )
    read = read_leases([restarted], "dhcpd")
    assert rows(read.leases, "ip", "start")[-1] == ("192.0.2.26", "2026-11-30T14:00:00Z")
    assert read.summary.read == read.summary.used + read.summary.bad + read.summary.skipped
    assert read.summary.bad == 4
