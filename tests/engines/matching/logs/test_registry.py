from pathlib import Path

import pytest

from cleannet.engines.matching.logs import LOG_FORMATS, UnknownLogFormat, get_log_format, read_log
from cleannet.engines.matching.schema import ReadSummary

CLI_FORMATS = {"zeek-dns", "zeek-conn", "bind", "nfdump", "squid", "csv", "parquet"}


def test_it_has_one_reader_for_each_log_format_the_cli_names() -> None:
    assert set(LOG_FORMATS) == CLI_FORMATS
    assert all(LOG_FORMATS[name].name == name for name in LOG_FORMATS)
    assert all(LOG_FORMATS[name].description for name in LOG_FORMATS)


def test_it_refuses_an_unknown_format_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownLogFormat) as refused:
        read_log(tmp_path / "x.log", "suricata-eve", summary=ReadSummary())

    message = str(refused.value)
    assert "'suricata-eve'" in message
    assert all(name in message for name in CLI_FORMATS)
    assert isinstance(refused.value, ValueError)


def test_it_looks_formats_up_by_their_cli_name() -> None:
    assert get_log_format("zeek-dns") is LOG_FORMATS["zeek-dns"]
    with pytest.raises(UnknownLogFormat, match="known: bind, csv"):
        get_log_format("Zeek-DNS")
