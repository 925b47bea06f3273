"""``cleannet brands permutations``: the three formats, the word and suffix files, refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import idna
import typer
from typer.testing import CliRunner

from cleannet.cli.brands_permutations import permutations

app = typer.Typer()
app.command()(permutations)


@app.callback()
def _group() -> None:
    """Keeps ``permutations`` a named subcommand, as under ``cleannet brands``."""


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["permutations", *args], env={"COLUMNS": "400"})
    return result.exit_code, result.stdout, result.stderr


def test_it_prints_one_ascii_name_per_line() -> None:
    code, out, err = run("vietcombank.com.vn", "--fuzzer", "omission")
    assert code == 0
    lines = out.splitlines()
    assert "vietcmbank.com.vn" in lines
    assert len(lines) == len(set(lines)) == 11
    assert "11 names for vietcombank.com.vn" in err


def test_it_writes_csv_with_the_fuzzer_the_unicode_form_and_the_registry_flag() -> None:
    code, out, _ = run("shopee.vn", "-f", "homoglyph-vi", "-f", "omission", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "fuzzer,name,unicode,registry_allows"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["fuzzer"] for row in rows} == {"homoglyph-vi", "omission"}
    shown = {row["unicode"]: row["name"] for row in rows}
    assert shown["shọpee.vn"] == idna.encode("shọpee.vn").decode()
    assert {row["registry_allows"] for row in rows} == {"true"}


def test_it_writes_one_json_object_per_line() -> None:
    code, out, _ = run("bidv.com.vn", "--format", "jsonl", "--fuzzer", "tld-swap")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    expected = {
        "fuzzer": "tld-swap",
        "name": "bidv.id.vn",
        "unicode": "bidv.id.vn",
        "registry_allows": True,
    }
    assert expected in objects


def test_it_lists_names_the_registry_refuses_unless_asked_for_registrable_ones() -> None:
    fake = idna.encode("bịdv.com.vn").decode()
    code, out, err = run("bidv.com.vn", "-f", "homoglyph", "--format", "jsonl")
    assert code == 0
    flags = {item["name"]: item["registry_allows"] for item in map(json.loads, out.splitlines())}
    assert flags[fake] is False
    assert flags["b1dv.com.vn"] is True
    refused = sum(not allows for allows in flags.values())
    assert f"{refused} of them refused by their registry" in err
    code, out, err = run("bidv.com.vn", "-f", "homoglyph", "--registrable-only")
    assert code == 0
    assert set(out.split()) == {name for name, allows in flags.items() if allows}
    assert "0 of them refused" in err


def test_it_reads_words_and_suffixes_from_files(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("# lure words\nkhuyenmai\n\nDoiDiem  # mixed case\n", encoding="utf-8")
    tlds = tmp_path / "tlds.txt"
    tlds.write_text("\ufeffid.vn\n.top\n", encoding="utf-8")
    code, out, _ = run(
        "mbbank.com.vn", "-f", "dictionary-tld", "--dictionary", str(words), "--tld-file", str(tlds)
    )
    assert code == 0
    assert set(out.split()) == {
        f"{left}.{tld}"
        for tld in ("id.vn", "top")
        for word in ("khuyenmai", "doidiem")
        for left in (f"mbbank-{word}", f"mbbank{word}", f"{word}-mbbank", f"{word}mbbank")
    }


def test_it_names_the_line_of_a_bad_suffix(tmp_path: Path) -> None:
    tlds = tmp_path / "tlds.txt"
    tlds.write_text("com\nvn.com\n", encoding="utf-8")
    code, _, err = run("shopee.vn", "--tld-file", str(tlds))
    assert code == 2
    assert "tlds.txt line 2" in err
    assert "not a public suffix" in err


def test_it_refuses_an_unknown_fuzzer_and_lists_the_known_ones() -> None:
    code, _, err = run("shopee.vn", "--fuzzer", "magic")
    assert code == 2
    assert "'magic' is not one of" in err
    assert "homoglyph-vi" in err


def test_it_refuses_a_public_suffix_as_the_domain() -> None:
    code, out, err = run("com.vn")
    assert code == 2
    assert out == ""
    assert "public suffix" in err


def test_it_refuses_an_unknown_format() -> None:
    code, _, err = run("shopee.vn", "--format", "xml")
    assert code == 2
    assert "'xml' is not one of" in err
