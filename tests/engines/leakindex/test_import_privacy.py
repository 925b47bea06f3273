"""Nothing plain survives an import: not in the store file, not in a reason for a bad row."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.engines.leakindex import ImportFormatError, Kind, import_file, import_files


def test_it_stores_hashes_and_never_the_values(fixtures: Path, tmp_path: Path) -> None:
    outputs = {Kind.PASSWORD_SHA1: tmp_path / "s.store", Kind.PASSWORD_NTLM: tmp_path / "n.store"}
    import_files([fixtures / "passwords.txt"], outputs)
    import_file(fixtures / "customers.csv", Kind.EMAIL, tmp_path / "e.store")

    written = b"".join(path.read_bytes() for path in tmp_path.iterdir())

    plains = [
        "mậtkhẩu2024",
        "# not a comment",
        "spaces around",
        "dos-line",
        "123456",
        "gmail",
        "Nguyen",
        "nguyen",
        "tran.b",
        "bücher",
        "xn--bcher",
    ]
    for plain in plains:
        assert plain.encode() not in written


def test_it_never_quotes_a_refused_value_in_a_reason(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    values = ["secret.person@exa mple.com", "x@bad_domain..vn", "0912ab5678", "(+84) 99x"]
    source.write_text("email,phone\n" + "\n".join(f"{v},{v}" for v in values) + "\n")

    emails = import_file(source, Kind.EMAIL, tmp_path / "e.store")
    phones = import_file(source, Kind.PHONE, tmp_path / "p.store")

    reasons = [bad.reason for bad in emails.samples + phones.samples]
    assert len(reasons) == 8
    for value in values:
        for part in [value, *value.replace("@", " ").split()]:
            assert not any(part in reason for reason in reasons if len(part) > 2), part


def test_it_refuses_a_mapping_for_plain_text(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="mapping"):
        import_file(
            fixtures / "passwords.txt",
            Kind.PASSWORD_SHA1,
            tmp_path / "s.store",
            mapping={"value": "password"},
        )


def test_it_refuses_outputs_that_cannot_share_one_read(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="password kinds"):
        import_files(
            [fixtures / "combo.txt"], {Kind.EMAIL: tmp_path / "e", Kind.PHONE: tmp_path / "p"}
        )
