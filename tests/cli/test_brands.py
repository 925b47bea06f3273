"""``cleannet brands score`` and ``cleannet brands evaluate``: output shape, refused lines in
order, the summary, the threshold, refused brands and labelled files, and the figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleannet.cli.brands import MAX_LINE_BYTES, app

runner = CliRunner()

BRANDS = """brand,name,official_domains,keywords
vietcombank,Vietcombank,vietcombank.com.vn;vcbs.com.vn,vietcombank;vcb
tpbank,TPBank,tpb.vn,tpbank
"""
FAKE = "vietcombank-xacminh.top"


@pytest.fixture
def brands(tmp_path: Path) -> Path:
    path = tmp_path / "brands.csv"
    path.write_text(BRANDS, encoding="utf-8")
    return path


def score(brands: Path, stdin: bytes | str, *args: str):
    return runner.invoke(app, ["score", "--brands", str(brands), *args], input=stdin)


def lines_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def summary_counts(stderr: str) -> tuple[int, int, int]:
    found = re.search(r"([\d,]+) lines read: ([\d,]+) scored .*, ([\d,]+) refused", stderr)
    assert found, stderr
    read, scored, refused = (int(group.replace(",", "")) for group in found.groups())
    return read, scored, refused


def test_it_writes_one_json_object_per_name_with_the_promised_fields(brands: Path) -> None:
    result = score(brands, f"{FAKE}\nhttps://vietcombank.com.vn/login\nexample.org\n")

    assert result.exit_code == 0, result.output
    fake, official, unrelated = lines_of(result.stdout)
    assert set(fake) == {"input", "brand", "score", "verdict", "reasons"}
    assert (fake["input"], fake["brand"], fake["verdict"]) == (FAKE, "vietcombank", "alert")
    assert 0 < fake["score"] <= 100
    assert fake["reasons"] and set(fake["reasons"][0]) == {"code", "text", "points", "detail"}
    assert (official["brand"], official["score"], official["verdict"]) == ("vietcombank", 0, "ok")
    assert "official-domain" in [reason["code"] for reason in official["reasons"]]
    assert (unrelated["brand"], unrelated["verdict"]) == (None, "ok")


def test_it_reports_bad_lines_in_their_place_and_keeps_going(brands: Path) -> None:
    stdin = b"\n".join(
        [
            FAKE.encode(),
            b"not a host name!",
            b"",
            b"vietcom\xffbank.top",
            b"a" * 64 + b".com",
            b"tpbank-vaynhanh.xyz",
        ]
    )

    result = score(brands, stdin + b"\n")

    assert result.exit_code == 0, result.output
    answers = lines_of(result.stdout)
    assert len(answers) == 6
    assert [("error" in answer) for answer in answers] == [False, True, True, True, True, False]
    assert [answer.get("line") for answer in answers[1:5]] == [2, 3, 4, 5]
    assert answers[2]["error"] == "the line is empty"
    assert "not UTF-8" in answers[3]["error"] and "0xff" in answers[3]["error"]
    assert answers[3]["input"] == "vietcom\\xffbank.top"
    assert answers[5]["input"] == "tpbank-vaynhanh.xyz"


def test_it_refuses_an_over_long_line_without_losing_the_next_one(brands: Path) -> None:
    stdin = b"x" * (3 * MAX_LINE_BYTES) + b"\n" + FAKE.encode() + b"\n"

    result = score(brands, stdin)

    first, second = lines_of(result.stdout)
    assert first["line"] == 1 and "longer than" in first["error"]
    assert len(first["input"]) < 300
    assert second["input"] == FAKE


def test_its_summary_reconciles_read_with_scored_and_refused(brands: Path) -> None:
    result = score(brands, f"{FAKE}\n\nexample.org\n!!\n")

    read, scored, refused = summary_counts(result.stderr)
    assert (read, scored, refused) == (4, 2, 2)
    assert read == scored + refused == len(result.stdout.splitlines())


def test_it_reads_a_name_without_a_final_newline_and_a_byte_order_mark(brands: Path) -> None:
    result = score(brands, "\ufeff" + FAKE)

    (answer,) = lines_of(result.stdout)
    assert answer["input"] == FAKE and answer["verdict"] == "alert"


def test_the_threshold_flag_moves_the_alert_line(brands: Path) -> None:
    (default,) = lines_of(score(brands, FAKE).stdout)
    points = default["score"]

    (at_score,) = lines_of(score(brands, FAKE, "--threshold", str(points)).stdout)
    assert at_score["verdict"] == "alert"
    if points < 100:
        (above,) = lines_of(score(brands, FAKE, "--threshold", str(points + 1)).stdout)
        assert (above["score"], above["verdict"]) == (points, "ok")
    assert score(brands, FAKE, "--threshold", "101").exit_code == 2


def test_a_brands_file_with_a_bad_row_stops_with_status_2_naming_row_and_field(
    tmp_path: Path,
) -> None:
    path = tmp_path / "brands.csv"
    path.write_text(BRANDS + "evn,EVN,not a domain!!,evn\n", encoding="utf-8")

    result = score(path, FAKE)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "row" in result.stderr and "official_domains" in result.stderr
    assert str(path) in result.stderr


def test_a_missing_brands_file_is_a_bad_argument(tmp_path: Path) -> None:
    assert score(tmp_path / "absent.csv", FAKE).exit_code == 2


LABELLED = f"""name,label,brand,source
{FAKE},fake,vietcombank,hand
vcb-hotro247.top,phishing,vietcombank,hand
vietcombank.com.vn,fake,vietcombank,mislabelled on purpose: a false negative
example.org,1,,brandless fake: a false negative
tpbank-vaynhanh.xyz,legit,tpbank,mislabelled on purpose: a false positive
vcbs.com.vn,benign,vietcombank,subsidiary
example.com,0,,unrelated
wikipedia.org,LEGIT,,unrelated
"""


def evaluate(brands: Path, labelled: Path, *args: str):
    command = ["evaluate", "--brands", str(brands), "--labelled", str(labelled), *args]
    return runner.invoke(app, command)


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.csv"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def test_evaluate_prints_the_figures_computed_by_hand(brands: Path, labelled: Path) -> None:
    result = evaluate(brands, labelled, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # TP: the two fakes; FN: the official name and example.org labelled fake; FP: the
    # tpbank fake labelled legit; TN: the subsidiary and two unrelated names.
    assert (report["tp"], report["fp"], report["fn"], report["tn"]) == (2, 1, 2, 3)
    assert (report["size"], report["fake"], report["legit"]) == (8, 4, 4)
    assert report["precision"] == round(2 / 3, 4)
    assert report["recall"] == 0.5
    assert report["f1"] == round(4 / 7, 4)
    assert report["threshold"] == 60


def test_evaluate_prints_readable_figures_by_default(brands: Path, labelled: Path) -> None:
    result = evaluate(brands, labelled)

    assert "precision 66.7 %, recall 50.0 %, F1 57.1 %" in result.stdout
    assert "TP 2  FP 1  FN 2  TN 3" in result.stdout


def test_evaluate_sweeps_thresholds_10_to_100(brands: Path, labelled: Path) -> None:
    report = json.loads(evaluate(brands, labelled, "--json", "--sweep").stdout)

    sweep = report["sweep"]
    assert [row["threshold"] for row in sweep] == list(range(10, 101, 5))
    assert all(row["tp"] + row["fn"] == 4 and row["fp"] + row["tn"] == 4 for row in sweep)
    flagged = [row["tp"] + row["fp"] for row in sweep]
    assert flagged == sorted(flagged, reverse=True)
    text = evaluate(brands, labelled, "--sweep").stdout
    assert "threshold  precision" in text and text.count("\n") > 20


def test_evaluate_lists_false_positives_and_negatives_with_reasons(
    brands: Path, labelled: Path
) -> None:
    report = json.loads(evaluate(brands, labelled, "--json", "--errors").stdout)

    assert [entry["name"] for entry in report["false_positives"]] == ["tpbank-vaynhanh.xyz"]
    assert report["false_positives"][0]["reasons"]
    assert [entry["name"] for entry in report["false_negatives"]] == [
        "vietcombank.com.vn",
        "example.org",
    ]
    text = evaluate(brands, labelled, "--errors").stdout
    assert "False positives (1):" in text and "tpbank-vaynhanh.xyz (row 6)" in text


def test_evaluate_refuses_an_unknown_label_naming_the_row(brands: Path, tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("name,label\nexample.org,legit\nexample.net,maybe\n", encoding="utf-8")

    result = evaluate(brands, path)

    assert result.exit_code == 2
    assert "row 3" in result.stderr and "field label" in result.stderr
    assert "'maybe'" in result.stderr


def test_evaluate_refuses_a_labelled_file_without_a_label_column(
    brands: Path, tmp_path: Path
) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("name,brand\nexample.org,x\n", encoding="utf-8")

    result = evaluate(brands, path)

    assert result.exit_code == 2 and "lacks label" in result.stderr
