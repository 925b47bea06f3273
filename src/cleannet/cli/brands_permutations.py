"""``cleannet brands permutations DOMAIN``: the lookalike names of a domain, for defensive
registration and DNS sweeps.

An engine command: it runs ``cleannet.engines.lookalike.generator`` and never touches Django
or a database. Names go to stdout, each once, in a stable order:

- ``--format text`` (default): one ASCII name per line (``xn--`` for IDN labels), ready for a
  resolver or a registrar's bulk check;
- ``--format csv``: a header then ``fuzzer,name,unicode,registry_allows`` rows (``true`` or
  ``false``);
- ``--format jsonl``: one ``{"fuzzer": …, "name": …, "unicode": …, "registry_allows": …}``
  object per line.

By default every valid name is listed, those the registry would refuse (an IDN label under
``com.vn``, a non-Vietnamese letter under ``vn``) included and flagged ``registry_allows``
false: the list holds every name dnstwist makes. ``--registrable-only`` leaves those out.
``--fuzzer`` (repeatable) limits the fuzzers; ``--dictionary FILE`` and ``--tld-file FILE``
replace the built-in lure words and suffixes (UTF-8, one entry per line, blank lines and
``#`` comments skipped). The summary (names, dropped candidates) goes to stderr.

Exit status: 0 when the names were written, 2 for bad arguments: a domain that is not a name
or is a public suffix, an unknown fuzzer, a file line that is not a word or a public suffix
(named with its line number), an unreadable file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer

from cleannet.core.errors import InvalidValue
from cleannet.engines.lookalike.generator import (
    FUZZERS,
    Permutation,
    check_tld,
    check_word,
    generate,
)
from cleannet.engines.lookalike.lures import DEFAULT_LURE_WORDS, DEFAULT_TLDS

FORMATS = ("text", "csv", "jsonl")


def _check_fuzzers(names: list[str] | None) -> list[str] | None:
    unknown = [name for name in names or () if name not in FUZZERS]
    if unknown:
        known = ", ".join(FUZZERS)
        raise typer.BadParameter(f"{unknown[0]!r} is not one of: {known}", param_hint="--fuzzer")
    return names


def _check_format(name: str) -> str:
    if name not in FORMATS:
        known = ", ".join(FORMATS)
        raise typer.BadParameter(f"{name!r} is not one of: {known}", param_hint="--format")
    return name


def read_entries(path: Path, check: Callable[[str], str], option: str) -> list[str]:
    """Return the checked entries of a one-per-line file (blank lines and ``#`` comments
    skipped). Raises ``typer.BadParameter`` naming the line of the first bad entry, or when
    the file cannot be read as UTF-8."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: cannot read: {error}", param_hint=option) from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            entries.append(check(entry))
        except InvalidValue as error:
            raise typer.BadParameter(
                f"{path.name} line {number}: {entry!r} {error.reason}", param_hint=option
            ) from None
    return entries


def render(found: Iterable[Permutation], output_format: str) -> str:
    """Return the permutations as the text ``--format`` asks for (ending in a newline)."""
    if output_format == "text":
        return "".join(permutation.name + "\n" for permutation in found)
    if output_format == "jsonl":
        return "".join(
            json.dumps(
                {
                    "fuzzer": each.fuzzer,
                    "name": each.name,
                    "unicode": each.unicode,
                    "registry_allows": each.registry_allows,
                },
                ensure_ascii=False,
            )
            + "\n"
            for each in found
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("fuzzer", "name", "unicode", "registry_allows"))
    writer.writerows(
        (each.fuzzer, each.name, each.unicode, "true" if each.registry_allows else "false")
        for each in found
    )
    return buffer.getvalue()


def permutations(
    domain: Annotated[str, typer.Argument(help="The domain to imitate: vietcombank.com.vn.")],
    fuzzer: Annotated[
        list[str] | None,
        typer.Option(
            "--fuzzer",
            "-f",
            callback=_check_fuzzers,
            help="Only this fuzzer (repeatable). One of: " + ", ".join(FUZZERS) + ".",
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", callback=_check_format, help="text, csv or jsonl."),
    ] = "text",
    dictionary: Annotated[
        Path | None,
        typer.Option(help="Lure words, one per line (default: the built-in Vietnamese list)."),
    ] = None,
    tld_file: Annotated[
        Path | None,
        typer.Option("--tld-file", help="Suffixes to try, one per line (default: built-in)."),
    ] = None,
    registrable_only: Annotated[
        bool,
        typer.Option(
            "--registrable-only",
            help="Leave out the names the registry would refuse (an IDN label under com.vn, "
            "a non-Vietnamese letter under vn).",
        ),
    ] = False,
) -> None:
    """Print the lookalike names of DOMAIN that someone could register."""
    words = DEFAULT_LURE_WORDS
    if dictionary is not None:
        words = tuple(read_entries(dictionary, check_word, "--dictionary"))
    tlds = DEFAULT_TLDS
    if tld_file is not None:
        tlds = tuple(read_entries(tld_file, check_tld, "--tld-file"))
    try:
        found = generate(
            domain,
            fuzzers=fuzzer or None,
            dictionary=words,
            tlds=tlds,
            registry_rules=registrable_only,
        )
    except InvalidValue as error:
        raise typer.BadParameter(f"{domain!r} {error.reason}", param_hint="DOMAIN") from None
    typer.echo(render(found.permutations, output_format), nl=False)
    refused = sum(not each.registry_allows for each in found.permutations)
    typer.echo(
        f"{len(found.permutations)} names for {found.domain}, {refused} of them refused by "
        f"their registry ({found.dropped} candidates dropped as invalid or unregistrable)",
        err=True,
    )
