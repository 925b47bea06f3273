"""Generate ``docs/data-format.md`` from the event catalogue and the RSIT taxonomy.

Run ``python -m cleannet.core.datadoc [PATH]`` to print the document or write it to PATH.
A test compares the committed document with :func:`render_data_format`, so the document
cannot drift from the code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence

from cleannet.core.event import NOT_HASHED
from cleannet.core.event_fields import (
    EXTRA_PREFIX,
    FIELDS,
    KEY_PATTERN,
    REQUIRED_FIELDS,
    TYPE_DESCRIPTIONS,
    FieldSpec,
)
from cleannet.core.taxonomy import (
    LEGACY_TYPES,
    TAXONOMY,
    TAXONOMY_DESCRIPTIONS,
    UNSPECIFIC_TYPES,
    classify,
    machine_tag,
)
from cleannet.core.taxonomy import TYPE_DESCRIPTIONS as RSIT_TYPE_DESCRIPTIONS

__all__ = ["REGENERATE_COMMAND", "render_data_format"]

REGENERATE_COMMAND = "cleannet docs data-format"

# Section (first part of a field name) -> heading and what its fields describe.
_SECTIONS: dict[str, tuple[str, str]] = {
    "classification": ("Classification", "What kind of incident the event reports (RSIT)."),
    "feed": ("Feed", "Where the event came from."),
    "time": ("Time", "When it happened and when CleanNet saw it; always UTC."),
    "source": (
        "Source",
        "The host the event is about: the infected, exposed or attacking one, whose owner is told.",
    ),
    "destination": (
        "Destination",
        "The host on the other end: a sinkhole, a C2 server, an attacked host.",
    ),
    "malware": ("Malware", "The malware involved."),
    "protocol": ("Protocol", "The network protocols involved."),
    "product": ("Product", "The affected product, for vulnerability reports."),
    "event_description": ("Event description", "A human description of the event."),
    "misp": ("MISP", "Links to the MISP event the event came from."),
}
_OTHER_SECTION = ("Other fields", "Handling, provenance and free-form data.")


def _cell(text: str) -> str:
    """Return ``text`` safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """Yield the lines of a Markdown table."""
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for row in rows:
        yield "| " + " | ".join(_cell(cell) for cell in row) + " |"


def _header() -> Iterator[str]:
    yield "<!-- Generated from cleannet.core.event_fields and cleannet.core.taxonomy. -->"
    yield "<!-- Do not edit by hand: change the code, then regenerate. -->"
    yield ""
    yield "# CleanNet event data format"
    yield ""
    yield "This document is generated from the code. Regenerate it with:"
    yield ""
    yield "```sh"
    yield REGENERATE_COMMAND
    yield "```"
    yield ""
    yield "An event is one observation from a feed, classified with the RSIT taxonomy. Its"
    yield "field names are those of the IntelMQ Data Format, so IntelMQ events load unchanged."


def _rules() -> Iterator[str]:
    yield "## Keys and values"
    yield ""
    yield f"- Keys are dotted names matching `{KEY_PATTERN.pattern}`."
    yield f"- Free-form data goes under `{EXTRA_PREFIX}<key>`, any JSON value; an `extra`"
    yield f"  object given whole is stored as one `{EXTRA_PREFIX}<key>` field per member."
    yield "- Any other key is refused, naming the key."
    yield "- Empty values (null, blank text) are dropped: feeds leave columns empty."
    yield "- Each value is normalised by its type (below); a value that does not fit is"
    yield "  refused, naming the field, the value and the reason."
    yield ""
    yield "## Required fields"
    yield ""
    yield from _table(("field", "why"), ((f"`{n}`", why) for n, why in REQUIRED_FIELDS.items()))
    yield ""
    yield "## Value types"
    yield ""
    rows = ((f"`{kind.value}`", text) for kind, text in TYPE_DESCRIPTIONS.items())
    yield from _table(("type", "accepted and stored as"), rows)


def _sections() -> dict[tuple[str, str], list[FieldSpec]]:
    """Return the field specs grouped by section, sections as listed above, other last."""
    grouped: dict[tuple[str, str], list[FieldSpec]] = {
        heading: [] for heading in [*_SECTIONS.values(), _OTHER_SECTION]
    }
    for spec in FIELDS.values():
        grouped[_SECTIONS.get(spec.section, _OTHER_SECTION)].append(spec)
    return {heading: specs for heading, specs in grouped.items() if specs}


def _fields() -> Iterator[str]:
    yield "## Fields"
    for (title, intro), specs in _sections().items():
        yield ""
        yield f"### {title}"
        yield ""
        yield intro
        yield ""
        rows = (
            (f"`{s.name}`", f"`{s.type.value}`", s.description, f"`{s.example}`") for s in specs
        )
        yield from _table(("field", "type", "description", "example"), rows)


def _taxonomy() -> Iterator[str]:
    yield "## Classification taxonomy (RSIT)"
    yield ""
    yield "The Reference Security Incident Taxonomy of ENISA and TF-CSIRT (v1.3), with"
    yield "IntelMQ's extra types under `other`. Setting `classification.type` alone fills"
    unspecific = " and ".join(f"`{name}`" for name in sorted(UNSPECIFIC_TYPES))
    yield f"`classification.taxonomy`. The types {unspecific} may stand under"
    yield "any taxonomy, for feeds that know the class of an incident but not its type."
    example = machine_tag(classify("infected-system"))
    yield f"Machine tags have the form `{example}`."
    yield ""
    rows = (
        (f"`{taxonomy}`", f"`{name}`", description)
        for taxonomy, types in TAXONOMY.items()
        for name, description in RSIT_TYPE_DESCRIPTIONS.items()
        if name in types
    )
    yield from _table(("taxonomy", "type", "description"), rows)
    yield ""
    yield "### Taxonomies"
    yield ""
    descriptions = ((f"`{name}`", text) for name, text in TAXONOMY_DESCRIPTIONS.items())
    yield from _table(("taxonomy", "description"), descriptions)
    yield ""
    yield "### Legacy type names"
    yield ""
    yield "Names are matched ignoring case, and spaces or underscores count as hyphens."
    yield "Older names that feeds still send are mapped:"
    yield ""
    legacy = ((f"`{old}`", f"`{new}`") for old, new in LEGACY_TYPES.items())
    yield from _table(("sent", "stored as"), legacy)


def _event_hash() -> Iterator[str]:
    yield "## Event hash"
    yield ""
    yield "`Event.event_hash()` is the SHA-256 (lower-case hex) of the event's canonical JSON"
    left_out = ", ".join(f"`{name}`" for name in sorted(NOT_HASHED))
    yield f"(keys sorted, no spaces, UTF-8) without {left_out}:"
    yield "these differ between two collections of the same observation, which should hash"
    yield "the same and be stored once."


def render_data_format() -> str:
    """Return the Markdown text of ``docs/data-format.md``."""
    parts = (_header(), _rules(), _fields(), _taxonomy(), _event_hash())
    return "\n\n".join("\n".join(part) for part in parts) + "\n"


def main(argv: Sequence[str]) -> int:
    """Write the document to ``argv[0]`` if given, else to stdout; return the exit code."""
    text = render_data_format()
    if not argv:
        sys.stdout.write(text)
        return 0
    with open(argv[0], "w", encoding="utf-8", newline="\n") as target:
        target.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
