"""Column plans: the hot loop that turns CSV records into ``Accepted``/``Rejected`` rows.

A plan is compiled once per file from its header: for each wanted column, its index,
the event field it fills, the converter, and how an empty value is treated. The plan
becomes one straight-line function ``build(values) -> fields`` (generated code: a loop
over columns costs about twice as much per row, and this is the hot path of every CSV
feed). Header names the plan does not use are reported (``unused``) so that a
provider's new column is seen, not silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.convert import FORMULA_STARTS, Converter, converter_for
from cleannet.engines.feeds.csvrows import BadRecord, CsvFile, Record
from cleannet.engines.feeds.records import MAX_RAW_CHARS, Accepted, Rejected, Row, RowError, clip

# Values providers write for "nothing here".
EMPTY_MARKERS = frozenset({"", "None", "none", "null", "NULL", "n/a", "N/A", "-"})

Build = Callable[[list[str]], dict[str, FieldValue]]
RowHook = Callable[[dict[str, FieldValue], list[str]], None]
"""Adjusts a row's fields from several columns at once (may raise ``RowError``)."""


@dataclass(frozen=True)
class Column:
    """One input column: ``name`` in the header → event ``target`` field.

    ``required``: an empty value rejects the row. ``zero_is_empty``: ``0`` means unknown
    (Shadowserver's ASN and NAICS columns). ``converter`` defaults to the target's; it may
    return None to keep nothing.
    """

    name: str
    target: str
    required: bool = False
    zero_is_empty: bool = False
    converter: Converter | None = None


@dataclass
class ColumnPlan:
    """A compiled plan: ``build(values)`` for records of ``width`` values."""

    build: Build
    width: int
    targets: list[str]
    unused: list[str] = field(default_factory=list)


class MissingColumns(Exception):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


def _step_source(number: int, position: int, column: Column, convert: Converter) -> list[str]:
    """Return the generated lines that fill one target from one value.

    Cached converters get their cache lookup inlined, and ``extra.*`` text its formula
    check: a Python call per field is what a plan otherwise spends its time on.
    """
    empty = "v in EMPTY" + (' or v == "0"' if column.zero_is_empty else "")
    target = repr(column.target)
    lines = [f"    v = values[{position}]", f"    if v and not ({empty}):"]
    if getattr(convert, "keeps_text", False):
        lines += [
            f"        if v[0] in FORMULA_STARTS: x = c{number}(v)",
            f"        f[{target}] = v",
        ]
    elif (bounds := getattr(convert, "int_range", None)) is not None:
        lines += [
            "        if v.isdigit() and v.isascii() and "
            f"{bounds[0]} <= (x := int(v)) <= {bounds[1]}: f[{target}] = x",
            f"        else: f[{target}] = c{number}(v)",
        ]
    elif getattr(convert, "cache", None) is not None:
        lines += [
            f"        x = k{number}.get(v)",
            f"        if x is None: x = c{number}(v)",
            f"        f[{target}] = x",
        ]
    else:
        lines += [f"        x = c{number}(v)", f"        if x is not None: f[{target}] = x"]
    if column.required:
        lines.append(f"    else: raise RowError({column.target!r}, v, 'is required but empty')")
    return lines


# Values that change on every row (a sinkhole hit's time and source port); the other
# columns of a row repeat for each hit of the same device and are converted once.
VOLATILE_TARGETS = frozenset({"time.source", "time.observation", "source.port",
                              "destination.port", "extra.event_id"})  # fmt: skip
MEMO_LIMIT = 100_000


def _function(name: str, steps: list[tuple[int, int, Column, Converter]], start: str) -> list[str]:
    lines = [f"def {name}(values, f):" if start == "f" else f"def {name}(values):"]
    if start != "f":
        lines.append(f"    f = {start}")
    for number, position, column, convert in steps:
        lines += _step_source(number, position, column, convert)
    return [*lines, "    return f"]


def _generate(
    steps: list[tuple[int, Column, Converter]], constants: Mapping[str, FieldValue]
) -> Build:
    """Return ``build(values)``: stable columns converted once per distinct combination.

    Only indexes, field names (repr) and converter references go into the generated
    code, never input text, so compiling it is as safe as writing it by hand.
    """
    numbered = [
        (n, position, column, convert) for n, (position, column, convert) in enumerate(steps)
    ]
    stable = [step for step in numbered if step[2].target not in VOLATILE_TARGETS]
    volatile = [step for step in numbered if step[2].target in VOLATILE_TARGETS]
    lines = _function("stable", stable, "dict(constants)") + _function("volatile", volatile, "f")
    namespace: dict[str, object] = {}
    for number, _position, _column, convert in numbered:
        namespace[f"c{number}"] = convert
        namespace[f"k{number}"] = getattr(convert, "cache", None)
    namespace.update(
        EMPTY=EMPTY_MARKERS, RowError=RowError, constants=dict(constants),
        FORMULA_STARTS=FORMULA_STARTS,
    )  # fmt: skip
    exec(compile("\n".join(lines), "<column plan>", "exec"), namespace)  # noqa: S102
    return _memoised(namespace["stable"], namespace["volatile"], [p for _, p, _, _ in stable])  # type: ignore[arg-type]


def _memoised(
    stable: Build,
    volatile: Callable[[list[str], dict[str, FieldValue]], dict[str, FieldValue]],
    positions: list[int],
) -> Build:
    key_of: Callable[[list[str]], object] = itemgetter(*positions) if positions else (lambda _: ())
    memo: dict[object, dict[str, FieldValue]] = {}

    def build(values: list[str]) -> dict[str, FieldValue]:
        key = key_of(values)
        base = memo.get(key)
        if base is None:
            base = stable(values)  # a RowError here is raised again for each such row
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = base
        return volatile(values, base.copy())

    return build


Step = tuple[int, Column, Converter]
"""One planned column: its position in the header, the column, its converter."""


def plan_steps(header: list[str], columns: Iterable[Column]) -> list[Step]:
    """Return the steps of the columns ``header`` has, in the columns' order.

    Raises ``MissingColumns`` naming the required columns the header lacks.
    """
    index = {name: i for i, name in enumerate(header)}
    steps: list[Step] = []
    missing: list[str] = []
    for column in columns:
        position = index.get(column.name)
        if position is None:
            if column.required:
                missing.append(column.name)
            continue
        steps.append((position, column, column.converter or converter_for(column.target)))
    if missing:
        raise MissingColumns(missing)
    return steps


def compile_plan(
    header: list[str],
    columns: Iterable[Column],
    constants: Mapping[str, FieldValue] | None = None,
) -> ColumnPlan:
    """Return the plan for ``header``; raise ``MissingColumns`` naming absent required ones."""
    steps = plan_steps(header, columns)
    used = {column.name for _, column, _ in steps}
    return ColumnPlan(
        build=_generate(steps, constants or {}),
        width=len(header),
        targets=[column.target for _, column, _ in steps],
        unused=[name for name in header if name not in used],
    )


ValueOf = Callable[[str], dict[str, FieldValue]]


def value_function(column: Column, convert: Converter) -> ValueOf:
    """Return ``one(text) -> {target: value}`` (empty dict: nothing kept; may raise RowError).

    It runs the very lines a plan runs for this column, so a columnar reader that converts
    each distinct value once gets exactly what the row-by-row plan would.
    """
    lines = ["def one(v):", "    values = [v]", "    f = {}"]
    lines += _step_source(0, 0, column, convert)
    lines.append("    return f")
    namespace: dict[str, object] = {
        "c0": convert, "k0": getattr(convert, "cache", None), "EMPTY": EMPTY_MARKERS,
        "RowError": RowError, "FORMULA_STARTS": FORMULA_STARTS,
    }  # fmt: skip
    exec(compile("\n".join(lines), "<column value>", "exec"), namespace)  # noqa: S102
    return namespace["one"]  # type: ignore[return-value]


def apply_plan(
    plan: ColumnPlan, records: Iterator[Record | BadRecord], hook: RowHook | None = None
) -> Iterator[Row]:
    """Yield one ``Accepted`` or ``Rejected`` per record, in order."""
    width, build = plan.width, plan.build
    for record in records:
        if isinstance(record, BadRecord):
            yield Rejected(record.row, record.reason, clip(record.raw))
            continue
        row, values, raw = record
        if len(values) != width:
            reason = f"has {len(values)} fields, the header has {width}"
            yield Rejected(row, reason, clip(raw))
            continue
        try:
            fields = build(values)
            if hook is not None:
                hook(fields, values)
        except RowError as exc:
            yield Rejected(row, exc.reason, clip(raw), exc.field)
            continue
        yield Accepted(row, fields, raw if len(raw) <= MAX_RAW_CHARS else clip(raw))


def parse_with_plan(
    csv_file: CsvFile,
    columns: Iterable[Column],
    constants: Mapping[str, FieldValue] | None = None,
    hook: RowHook | None = None,
) -> tuple[ColumnPlan, Iterator[Row]]:
    """Compile a plan for ``csv_file``'s header and return it with the rows it yields."""
    plan = compile_plan(csv_file.header, columns, constants)
    return plan, apply_plan(plan, csv_file.records, hook)
