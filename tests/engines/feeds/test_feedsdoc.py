"""The generated feeds page: never stale, and it shows every feed of the registry."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.engines.feeds.feedsdoc import REGENERATE_COMMAND, render_feeds_doc
from cleannet.engines.feeds.registry import load_registry

DOC = Path(__file__).resolve().parents[3] / "docs" / "feeds.md"


def test_the_committed_feeds_page_matches_the_registry() -> None:
    committed = DOC.read_text(encoding="utf-8")

    assert committed == render_feeds_doc(load_registry()), (
        f"docs/feeds.md is stale: {REGENERATE_COMMAND}"
    )


def test_it_says_it_is_generated_and_how_to_regenerate_it() -> None:
    opening = "\n".join(render_feeds_doc(load_registry()).splitlines()[:8])

    assert "Generated" in opening
    assert "cleannet docs feeds" in opening


def test_it_lists_every_feed_in_the_table_and_in_a_section() -> None:
    registry = load_registry()
    text = render_feeds_doc(registry)

    for entry in registry:
        assert f"| [`{entry.name}`](#{entry.name}) | {entry.provider} | `{entry.format}` |" in text
        assert f"\n## {entry.name}\n" in text
        assert f"- Documentation: <{entry.documentation}>" in text
        assert (entry.url or entry.path) in text


def test_it_keeps_a_pipe_in_a_value_inside_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feed]]\nname = "x"\nprovider = "A | B"\nformat = "list"\npath = "x.txt"\n'
        'schedule = "manual"\ntlp = "GREEN"\naccuracy = 50\n'
        'documentation = "https://x.example/"\ncolumn_map = { kind = "domain" }\n',
        encoding="utf-8",
    )

    text = render_feeds_doc(load_registry(path))

    assert "| A \\| B |" in text
    assert "- Column `kind` → `domain`" in text
    assert "local: `x.txt`" in text


def test_the_docs_command_writes_the_page(tmp_path: Path) -> None:
    target = tmp_path / "feeds.md"
    result = CliRunner().invoke(app, ["docs", "feeds", "--output", str(target)])

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render_feeds_doc(load_registry())
