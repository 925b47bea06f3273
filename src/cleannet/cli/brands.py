"""``cleannet brands …``: score names against registered brands, and measure the scorer.

Engine commands: they run ``cleannet.engines.lookalike`` on files and standard input and never
touch Django or a database.

``score`` reads hostnames or URLs, one per line, on standard input and writes one JSON object
per input line, in order, flushed line by line (a pipe sees each answer at once; a million
lines are never held in memory)::

    {"input": "vietcombank-xacminh.top", "brand": "vietcombank", "score": 85,
     "verdict": "alert", "reasons": [{"code": "brand-with-lure", "text": "…", "points": 45,
     "detail": "xacminh"}, …]}

A line the scorer cannot use (not a hostname, an over-long label, bytes that are not UTF-8, an
empty line) gets ``{"line": N, "input": "…", "error": "why"}`` in its place, so stdout stays one
object per input line. The summary goes to stderr: read = scored + refused.

``evaluate`` scores a labelled file (see ``brands_evaluation``) and prints precision, recall,
F1 and the confusion counts at the threshold; ``--sweep`` adds them for thresholds 10…100,
``--errors`` lists the false positives and false negatives with their reasons, ``--json``
prints all of it as one JSON object instead.

Exit status: 0 when the command ran (refused lines are reported, not fatal), 2 for bad
arguments: a brands file with a bad row (named with its row and field), a labelled file with a
bad row, an unreadable file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from cleannet.cli.brands_evaluation import (
    SWEEP_THRESHOLDS,
    Counts,
    Scored,
    counts_at,
    read_labelled,
    score_labelled,
)
from cleannet.core.errors import InvalidValue, ParseError
from cleannet.engines.lookalike.brands_csv import load_brands
from cleannet.engines.lookalike.model import DEFAULT_THRESHOLD, Brand, Verdict
from cleannet.engines.lookalike.scorer import Scorer

app = typer.Typer(
    help="Brand protection: score names against registered brands, measure the scorer.",
    no_args_is_help=True,
)

MAX_LINE_BYTES = 8192
"""Longer input lines are refused (and skipped without being read into memory)."""
_SHOWN_BRAND_ERRORS = 10
_SHOWN_INPUT = 200

BrandsOption = Annotated[
    list[Path],
    typer.Option(
        "--brands",
        exists=True,
        dir_okay=False,
        readable=True,
        help="Brands CSV (brand,name,official_domains,keywords); repeat to load several.",
    ),
]
ThresholdOption = Annotated[
    int,
    typer.Option(min=0, max=100, help="Scores at or above this are alerts."),
]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def _describe(error: object) -> str:
    row, field, reason = (getattr(error, name, None) for name in ("row", "field", "reason"))
    if row is None or reason is None:
        return str(error)
    return f"row {row}" + (f", field {field}" if field else "") + f": {reason}"


def load_brand_files(paths: list[Path]) -> list[Brand]:
    """Return the brands of every file; raise ``typer.Exit(2)`` naming the file, row and
    field of each bad row (the first few), or when the files hold no brand at all."""
    brands: list[Brand] = []
    problems: list[str] = []
    for path in paths:
        try:
            loaded, errors = load_brands(path)
        except (OSError, UnicodeDecodeError, InvalidValue, ParseError) as error:
            raise _fail(f"Brands file {path}: {error}") from error
        brands.extend(loaded)
        problems.extend(f"Brands file {path}: {_describe(error)}" for error in errors)
    if problems:
        for problem in problems[:_SHOWN_BRAND_ERRORS]:
            typer.secho(problem, fg=typer.colors.RED, err=True)
        if len(problems) > _SHOWN_BRAND_ERRORS:
            typer.echo(f"… {len(problems) - _SHOWN_BRAND_ERRORS} more bad rows", err=True)
        raise typer.Exit(code=2)
    if not brands:
        raise _fail("The brands files hold no brand.")
    return brands


def verdict_json(verdict: Verdict, threshold: int) -> dict[str, Any]:
    """Return the JSON object ``score`` writes for one verdict."""
    return {
        "input": verdict.input,
        "brand": verdict.brand,
        "score": verdict.score,
        "verdict": "alert" if verdict.is_alert(threshold) else "ok",
        "reasons": [
            {"code": r.code, "text": r.text, "points": r.points, "detail": r.detail}
            for r in verdict.reasons
        ],
    }


def _shown(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="backslashreplace").strip()
    return text if len(text) <= _SHOWN_INPUT else text[:_SHOWN_INPUT] + "…"


def read_lines(stream: IO[bytes]) -> Iterator[tuple[bytes, str | None]]:
    """Yield each input line as ``(raw bytes, refusal)``; the refusal is ``None`` for a line
    that may be scored. A line over ``MAX_LINE_BYTES`` is refused and skipped in chunks."""
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the over-long line without keeping it
            yield raw[:_SHOWN_INPUT], f"the line is longer than {MAX_LINE_BYTES} bytes"
        else:
            yield raw, None


def _score_line(scorer: Scorer, number: int, raw: bytes, threshold: int) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff").strip()
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 (byte 0x{raw[error.start]:02x} at position {error.start})"
        return {"line": number, "input": _shown(raw), "error": reason}
    if not text:
        return {"line": number, "input": "", "error": "the line is empty"}
    try:
        return verdict_json(scorer.score(text), threshold)
    except InvalidValue as error:
        return {"line": number, "input": _shown(raw), "error": error.reason}


@app.command()
def score(
    brands: BrandsOption,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
) -> None:
    """Score hostnames or URLs read on stdin (one per line); write one JSON object per line."""
    scorer = Scorer(load_brand_files(brands))
    stdin = typer.get_binary_stream("stdin")
    read = refused = alerts = 0
    for raw, refusal in read_lines(stdin):
        read += 1
        if refusal is None:
            answer = _score_line(scorer, read, raw, threshold)
        else:
            answer = {"line": read, "input": _shown(raw), "error": refusal}
        refused += "error" in answer
        alerts += answer.get("verdict") == "alert"
        typer.echo(json.dumps(answer, ensure_ascii=False))  # echo flushes every line
    typer.echo(
        f"{read:,} lines read: {read - refused:,} scored ({alerts:,} alerts at threshold "
        f"{threshold}), {refused:,} refused.",
        err=True,
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def counts_json(counts: Counts) -> dict[str, Any]:
    """Return the figures of ``counts`` as a JSON-ready object (ratios, not percents)."""
    return {
        "threshold": counts.threshold,
        "precision": _ratio(counts.precision),
        "recall": _ratio(counts.recall),
        "f1": _ratio(counts.f1),
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "tn": counts.tn,
    }


def error_json(entry: Scored) -> dict[str, Any]:
    """Return one false positive or false negative as a JSON-ready object."""
    verdict = entry.verdict
    return {
        "row": entry.item.row,
        "name": entry.item.name,
        "labelled_brand": entry.item.brand,
        "source": entry.item.source,
        "brand": verdict.brand if verdict else None,
        "score": verdict.score if verdict else None,
        "reasons": [r.code for r in verdict.reasons] if verdict else [],
        "refused": entry.refused,
    }


def _error_line(entry: Scored) -> str:
    found = error_json(entry)
    if entry.refused:
        return f"  {found['name']} (row {found['row']}): refused: {entry.refused}"
    reasons = ", ".join(found["reasons"]) or "no reason"
    brand = found["brand"] or "no brand"
    return f"  {found['name']} (row {found['row']}): {found['score']} → {brand}: {reasons}"


def _print_report(
    scored: list[Scored], counts: Counts, sweep: list[Counts], show_errors: bool
) -> None:
    fakes = sum(entry.item.fake for entry in scored)
    refused = sum(bool(entry.refused) for entry in scored)
    typer.echo(
        f"{len(scored):,} names ({fakes:,} fake, {len(scored) - fakes:,} legit, "
        f"{refused:,} refused by the scorer) at threshold {counts.threshold}:"
    )
    typer.echo(
        f"precision {_percent(counts.precision)}, recall {_percent(counts.recall)}, "
        f"F1 {_percent(counts.f1)}"
    )
    typer.echo(f"TP {counts.tp}  FP {counts.fp}  FN {counts.fn}  TN {counts.tn}")
    if sweep:
        typer.echo("threshold  precision  recall     F1         TP    FP    FN    TN")
        for row in sweep:
            typer.echo(
                f"{row.threshold:>9}  {_percent(row.precision):>9}  {_percent(row.recall):>9}"
                f"  {_percent(row.f1):>9}  {row.tp:>4}  {row.fp:>4}  {row.fn:>4}  {row.tn:>4}"
            )
    if show_errors:
        typer.echo(f"False positives ({counts.fp}):")
        for entry in counts.false_positives:
            typer.echo(_error_line(entry))
        typer.echo(f"False negatives ({counts.fn}):")
        for entry in counts.false_negatives:
            typer.echo(_error_line(entry))


def evaluation_json(
    scored: list[Scored], counts: Counts, sweep: list[Counts], show_errors: bool
) -> dict[str, Any]:
    """Return the whole evaluation report as one JSON-ready object."""
    fakes = sum(entry.item.fake for entry in scored)
    report: dict[str, Any] = {
        "size": len(scored),
        "fake": fakes,
        "legit": len(scored) - fakes,
        "refused": sum(bool(entry.refused) for entry in scored),
        **counts_json(counts),
    }
    if sweep:
        report["sweep"] = [counts_json(row) for row in sweep]
    if show_errors:
        report["false_positives"] = [error_json(entry) for entry in counts.false_positives]
        report["false_negatives"] = [error_json(entry) for entry in counts.false_negatives]
    return report


@app.command()
def evaluate(
    brands: BrandsOption,
    labelled: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Labelled CSV: name,label[,brand][,source]; label fake|legit (1/0, "
            "phishing/benign).",
        ),
    ],
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    sweep: Annotated[bool, typer.Option(help="Also the figures at thresholds 10…100.")] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List false positives and negatives.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print precision, recall and F1 of the scorer on a labelled file."""
    scorer = Scorer(load_brand_files(brands))
    try:
        items = read_labelled(labelled)
    except (OSError, UnicodeDecodeError, ParseError) as error:
        raise _fail(f"Labelled file {labelled}: {error}") from error
    scored = score_labelled(items, scorer.score)
    counts = counts_at(scored, threshold)
    swept = [counts_at(scored, value) for value in SWEEP_THRESHOLDS] if sweep else []
    if as_json:
        report = evaluation_json(scored, counts, swept, errors)
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_report(scored, counts, swept, errors)
