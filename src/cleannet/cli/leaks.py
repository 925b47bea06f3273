"""``cleannet leaks …``: import leaked datasets (hashes only), look one identifier up, export
the password ranges as static files.

``import`` goes through the server's breach registry (``import_breach_file``) when the leaks
app is installed, so the breach is recorded; without it, the engine writes the stores itself.
Either way the stores live in the leak store directory (``CLEANNET_LEAKS_DIR``, by default
``<CLEANNET_VAR_DIR>/leaks``) as ``breaches/<breach>/<kind>….store``; ``check`` and
``export-ranges`` read every breach's stores there.

No command prints, logs or keeps a looked-up or imported value: ``check`` reads its value from
the argument or, better (shell history), from standard input.

Exit status: 0 when the command ran (bad rows are counted, not fatal), 1 when it could not
(an input unusable as a whole, an unreadable file), 2 for bad arguments or settings. With
``--json`` the last stdout line is the counts as one JSON object.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import progress_bar, rows_read_bar
from cleannet.core.errors import CleanNetError, ConfigurationError, InvalidValue
from cleannet.engines.leakindex import (
    ImportSummary,
    Kind,
    RangeStore,
    export_ranges,
    hash_identifier,
    import_files,
)

app = typer.Typer(
    help="Leaked data: import (hashes only), check one identifier, export password ranges.",
    no_args_is_help=True,
)

KINDS: dict[str, tuple[Kind, ...]] = {
    "password": (Kind.PASSWORD_SHA1, Kind.PASSWORD_NTLM),
    "email": (Kind.EMAIL,),
    "phone": (Kind.PHONE,),
}
EXPORT_KINDS = {"sha1": Kind.PASSWORD_SHA1, "ntlm": Kind.PASSWORD_NTLM}
PREFIXES = 16**5
_SERVICES = "cleannet.server.leaks.services"
_BREACH_NAME = re.compile(r"[-a-zA-Z0-9_]+")
_SHOWN_BAD_ROWS = 10


def _one_of(names: Any, option: str) -> Any:
    def check(value: str) -> str:
        if value not in names:
            known = ", ".join(names)
            raise typer.BadParameter(f"{value!r} is not one of: {known}", param_hint=option)
        return value

    return check


def _check_breach(name: str) -> str:
    if not _BREACH_NAME.fullmatch(name):
        raise typer.BadParameter(f"{name!r} is not a short name (letters, digits, - and _)")
    return name


def _has_services() -> bool:
    """Whether the server's leaks app (the breach registry) is installed."""
    try:
        return importlib.util.find_spec(_SERVICES) is not None
    except ModuleNotFoundError:
        return False


def store_dir() -> Path:
    """Return the leak store directory: the server's when its leaks app is installed, else
    ``<CLEANNET_VAR_DIR>/leaks`` from the settings (exit 2 on a bad setting)."""
    if _has_services():
        setup_django()
        from cleannet.server.leaks.services import store_dir as server_store_dir

        return Path(server_store_dir())
    from cleannet.server.config import load_config

    try:
        return load_config().var_dir / "leaks"
    except ConfigurationError as error:
        typer.secho(f"Configuration error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from error


def breach_stores(directory: Path, kind: Kind) -> dict[str, Path]:
    """Return each breach's newest ``kind`` store under ``directory`` (breach name → file)."""
    found: dict[str, Path] = {}
    for path in sorted((directory / "breaches").glob(f"*/{kind}*.store")):
        if path.name.removeprefix(str(kind))[:1] in {".", "-"}:
            found[path.parent.name] = path  # names sort by import time: the last one wins
    return found


def _import_with_engine(
    breach: str, kind: str, paths: list[Path], options: dict[str, Any]
) -> ImportSummary:
    folder = store_dir() / "breaches" / breach
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {store_kind: folder / f"{store_kind}.store" for store_kind in KINDS[kind]}
    return import_files(paths, outputs, **options)


def _import_with_registry(
    breach: str, kind: str, paths: list[Path], options: dict[str, Any]
) -> ImportSummary:
    setup_django()
    from django.core.exceptions import ValidationError

    from cleannet.server.leaks.services import import_breach_file

    try:
        summary: ImportSummary = import_breach_file(breach, kind, paths, **options)
    except ValidationError as error:
        typer.secho(f"Refused: {'; '.join(error.messages)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from error
    return summary


def _print_summary(summary: ImportSummary, breach: str, console: Console) -> None:
    console.print(
        f"Breach {breach}: {summary.read:,} rows read, {summary.used:,} used, "
        f"{summary.bad:,} bad, {summary.skipped:,} skipped.",
        highlight=False,
        markup=False,
    )
    for store_kind, records in summary.records.items():
        merged = summary.duplicates(store_kind)
        console.print(f"  {store_kind}: {records:,} distinct hashes ({merged:,} repeats merged)")
    for bad in summary.samples[:_SHOWN_BAD_ROWS]:
        console.print(f"  {bad.source}:{bad.line}: {bad.reason}", highlight=False, markup=False)
    if summary.bad > _SHOWN_BAD_ROWS:
        console.print(f"  … {summary.bad - _SHOWN_BAD_ROWS:,} more bad rows", highlight=False)
    for damaged in summary.incomplete:
        console.print(
            f"  {damaged.source}: {damaged.reason} (after {damaged.line:,} rows)", markup=False
        )


@app.command("import")
def import_command(
    paths: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Leaked files (.gz allowed)."
    ),
    breach: str = typer.Option(..., "--breach", callback=_check_breach, help="Breach name."),
    kind: str = typer.Option(
        ..., "--kind", callback=_one_of(KINDS, "--kind"), help="password, email or phone."
    ),
    hashed: bool = typer.Option(
        False, "--hashed", help="The values are hex SHA-1/NTLM hashes (HASH or HASH:COUNT)."
    ),
    mapping: str = typer.Option("", "--mapping", help="The CSV column or JSON key of values."),
    count_column: str = typer.Option("", "--count-column", help="Column or key of counts."),
    fmt: str = typer.Option(
        "", "--format", help="text, combo (id:password), csv or jsonl; default: by extension."
    ),
    as_json: bool = typer.Option(False, "--json", help="End with the counts as one JSON line."),
) -> None:
    """Import leaked files into a breach: values are normalised and hashed, never stored."""
    columns = {"value": mapping, "count": count_column}
    options: dict[str, Any] = {
        "hashed": hashed,
        "mapping": {key: name for key, name in columns.items() if name} or None,
        "fmt": fmt or None,
    }
    console = Console(stderr=True) if as_json else Console()
    do_import = _import_with_registry if _has_services() else _import_with_engine
    try:
        with rows_read_bar() as advance:
            summary = do_import(breach, kind, paths, {**options, "progress": advance})
    except (CleanNetError, OSError) as error:
        typer.secho(f"Import stopped: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from error
    _print_summary(summary, breach, console)
    if as_json:
        counts = {
            "read": summary.read,
            "used": summary.used,
            "bad": summary.bad,
            "skipped": summary.skipped,
            "hashes": {str(k): n for k, n in summary.records.items()},
        }
        typer.echo(json.dumps(counts))


def _read_value(value: str | None) -> str:
    if value is not None:
        return value
    if sys.stdin.isatty():
        text: str = typer.prompt("Value (not shown)", hide_input=True)
        return text
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _counts(digest: bytes, paths: dict[str, Path]) -> dict[str, int]:
    found: dict[str, int] = {}
    for breach, path in paths.items():
        with RangeStore.open(path) as store:
            count = store.count(digest)
        if count:
            found[breach] = count
    return found


@app.command("check")
def check_command(
    value: str | None = typer.Argument(
        None, help="The e-mail, phone or password; omit it to type it unseen or pipe it in."
    ),
    kind: str = typer.Option(
        ..., "--kind", callback=_one_of(KINDS, "--kind"), help="password, email or phone."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON line."),
) -> None:
    """Look one identifier up in every breach's stores (for operators; nothing is logged)."""
    store_kind = KINDS[kind][0]
    try:
        digest = hash_identifier(store_kind, _read_value(value))
    except InvalidValue as error:
        # The reason only: the message would repeat the value.
        typer.secho(f"Not a valid {kind}: {error.reason}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from error
    paths = breach_stores(store_dir(), store_kind)
    found = _counts(digest, paths)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "found": bool(found),
                    "count": sum(found.values()),
                    "breaches": found,
                    "searched": len(paths),
                }
            )
        )
    elif found:
        listed = ", ".join(f"{name} ({count:,})" for name, count in found.items())
        typer.echo(
            f"Found in {len(found)} of {len(paths)} breaches, "
            f"{sum(found.values()):,} times: {listed}"
        )
    else:
        typer.echo(f"Not found in any of {len(paths)} breaches with {kind} data.")


def _check_modes(modes: list[str]) -> list[str]:
    return [_one_of(EXPORT_KINDS, "--mode")(mode) for mode in modes]


@app.command("export-ranges")
def export_command(
    directory: Path = typer.Argument(..., file_okay=False, help="Where to write the files."),
    mode: list[str] = typer.Option(
        ["sha1", "ntlm"], "--mode", callback=_check_modes, help="sha1 and/or ntlm (default both)."
    ),
) -> None:
    """Write every password range as a static file, DIR/<kind>/<PREFIX>.txt, for a CDN."""
    source = store_dir()
    for name in mode:
        kind = EXPORT_KINDS[name]
        paths = breach_stores(source, kind)
        stores = [RangeStore.open(path) for path in paths.values()]
        try:
            with progress_bar(f"{kind} ranges") as advance:
                folder = export_ranges(stores, directory, kind, progress=advance)
        except OSError as error:
            typer.secho(f"Export stopped: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=1) from error
        finally:
            for store in stores:
                store.close()
        typer.echo(f"{folder}: {PREFIXES:,} range files from {len(stores)} breaches.")
