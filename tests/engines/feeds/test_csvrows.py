import pytest

from cleannet.engines.feeds.csvrows import MAX_FIELD, BadRecord, read_csv
from cleannet.engines.feeds.records import FeedFormatError
from cleannet.engines.feeds.sources import text_source


def _read(text: str, separator: str = ",") -> tuple[list[str], list[object]]:
    csv_file = read_csv(text_source("f.csv", text), separator)
    return csv_file.header, list(csv_file.records)


def test_it_finds_a_header_written_as_the_last_comment_of_the_banner() -> None:
    header, records = _read("#####\n# Title\n#\n# id,url,threat\n1,http://a.example/,x\n")
    assert header == ["id", "url", "threat"]
    assert records == [(5, ["1", "http://a.example/", "x"], "1,http://a.example/,x")]


def test_it_finds_a_header_after_the_banner() -> None:
    header, records = _read(
        '#####\n#\n"first_seen_utc","dst_ip"\n"2021-01-17 07:44:46","192.0.2.1"\n'
    )
    assert header == ["first_seen_utc", "dst_ip"]
    assert records[0][0] == 4


def test_it_reads_comma_space_separators() -> None:
    text = '# "a","b"\n"1", "x, y"\n'
    header, records = _read(text, ", ")
    assert header == ["a", "b"]
    assert records[0][1] == ["1", "x, y"]


def test_it_numbers_records_by_their_first_line_across_quoted_newlines() -> None:
    _, records = _read('a,b\n"1","multi\nline"\n\n"2","z"\n')
    assert [(r[0], r[1]) for r in records] == [(2, ["1", "multi\nline"]), (5, ["2", "z"])]


def test_it_skips_comment_lines_after_the_header() -> None:
    _, records = _read("a,b\n1,2\n# footer: 1 entry\n")
    assert len(records) == 1


def test_it_turns_an_oversized_field_into_a_bad_record_and_goes_on() -> None:
    huge = "x" * (MAX_FIELD + 10)
    _, records = _read(f'a,b\n"{huge}",1\n2,3\n')
    assert isinstance(records[0], BadRecord)
    assert "field larger than field limit" in records[0].reason
    assert len(records[0].raw) > MAX_FIELD
    assert records[-1] == (3, ["2", "3"], "2,3")


def test_it_refuses_a_file_without_a_header_line() -> None:
    with pytest.raises(FeedFormatError, match="no CSV header"):
        _read("1,2,3\n4,5,6\n")


def test_it_accepts_a_header_without_data() -> None:
    assert _read("# a,b\n") == (["a", "b"], [])
