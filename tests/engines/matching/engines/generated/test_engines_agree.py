"""One generated input, every engine, the same tables as a plain reading of the rules."""

import pytest


@pytest.mark.parametrize("table", ["findings", "daily_counts", "unattributed"])
def test_it_gives_the_tables_the_rules_call_for_on_a_generated_input(
    generated_result, generated_expected, rows, table
) -> None:
    assert rows(getattr(generated_result, table)) == rows(generated_expected[table])


def test_it_counts_the_records_read_and_matched_on_a_generated_input(
    generated_result, generated_expected
) -> None:
    assert generated_result.records_read == 20_000
    assert generated_result.records_matched == generated_expected["records_matched"]


def test_the_generated_input_reaches_every_rule(generated_expected, rows) -> None:
    findings = rows(generated_expected["findings"])
    unattributed = rows(generated_expected["unattributed"])

    assert {f["indicator_kind"] for f in findings} == {"domain", "ip", "cidr", "url", "event"}
    assert {u["reason"] for u in unattributed} == {
        "no lease",
        "overlapping leases",
        "overlapping CGNAT blocks",
    }
    assert any(f["ip"].startswith("100.64.") and f["count"] > 1 for f in findings)
    assert any(f["ip"].startswith("2001:db8:1::") for f in findings)
    assert len({d["day"] for d in rows(generated_expected["daily_counts"])}) >= 2
