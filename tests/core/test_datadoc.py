"""The generated data-format document: never stale, complete, and regenerable."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.core.datadoc import REGENERATE_COMMAND, main, render_data_format
from cleannet.core.event_fields import FIELDS, REQUIRED_FIELDS, FieldType
from cleannet.core.taxonomy import LEGACY_TYPES, TYPE_DESCRIPTIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_the_committed_data_format_doc_matches_the_code() -> None:
    committed = DOC.read_text(encoding="utf-8")

    assert committed == render_data_format(), f"docs/data-format.md is stale: {REGENERATE_COMMAND}"


def test_it_says_it_is_generated_and_how_to_regenerate_it() -> None:
    opening = "\n".join(render_data_format().splitlines()[:12])

    assert "Generated" in opening
    assert "cleannet docs data-format" in opening


def test_it_documents_every_field_type_and_required_field() -> None:
    text = render_data_format()

    for name, spec in FIELDS.items():
        assert f"| `{name}` | `{spec.type.value}` |" in text
    for kind in FieldType:
        assert f"| `{kind.value}` |" in text
    for name in REQUIRED_FIELDS:
        assert f"| `{name}` |" in text


def test_it_documents_every_rsit_type_and_legacy_name() -> None:
    text = render_data_format()

    for name in TYPE_DESCRIPTIONS:
        assert f"| `{name}` |" in text
    for old, new in LEGACY_TYPES.items():
        assert f"| `{old}` | `{new}` |" in text


def test_it_prints_the_document_when_given_no_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0

    assert capsys.readouterr().out == render_data_format()


def test_it_writes_the_document_to_a_given_path(tmp_path: Path) -> None:
    target = tmp_path / "data-format.md"

    assert main([str(target)]) == 0

    assert target.read_text(encoding="utf-8") == render_data_format()
