"""YARA rules through yara-x: every ``*.yar`` compiled once, cached on disk by content.

signature-base rules may use the external variables Loki defines (``filename``, ``filepath``,
``extension``, ``filetype``, ``md5``, ``owner``); they are declared here as empty strings and
set for each file by the engine. A file that does not compile, or a rule yara-x refuses, is
reported as a ``SignatureProblem`` and the other rules are kept. Each file gets its own
namespace, so two files may reuse a rule name.

The compiled rules are cached as ``<sha256 of the sources>.yarc`` (``Rules.serialize_into``)
with a JSON sidecar holding the rule count and the problems, so a second start with the same
rules skips the compiler.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yara_x

from cleannet.scanner.signatures.lines import SignatureProblem

__all__ = ["EXTERNALS", "CompiledRules", "compile_rules", "rules_from_bytes", "rules_to_bytes"]

EXTERNALS = ("filename", "filepath", "extension", "filetype", "md5", "owner")
# Modules that YARA has and yara-x does not: rules using them are dropped, the rest compile.
_MISSING_MODULES = ("magic", "cuckoo")
_USES_MD5 = re.compile(rb"(?<![.\w])md5\b(?!\s*\()")
_CACHE_FORMAT = "1"


@dataclass
class CompiledRules:
    """The compiled rules (``None`` when there are none) and what compiling them said."""

    rules: yara_x.Rules | None
    count: int = 0
    uses_md5: bool = False
    problems: list[SignatureProblem] = field(default_factory=list)
    key: str = ""


def rules_to_bytes(rules: yara_x.Rules) -> bytes:
    buffer = io.BytesIO()
    rules.serialize_into(buffer)
    return buffer.getvalue()


def rules_from_bytes(data: bytes) -> yara_x.Rules:
    return yara_x.Rules.deserialize_from(io.BytesIO(data))


def _cache_key(sources: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(f"{_CACHE_FORMAT}\0{version('yara-x')}\0".encode())
    digest.update(",".join(EXTERNALS).encode())
    for origin, text in sorted(sources):
        digest.update(b"\0" + origin.encode() + b"\0" + hashlib.sha256(text).digest())
    return digest.hexdigest()


def _namespace(origin: str) -> str:
    return re.sub(r"\W", "_", Path(origin).stem) or "rules"


def _add_source(compiler: yara_x.Compiler, origin: str, text: bytes) -> None:
    compiler.new_namespace(_namespace(origin))
    # A refused file's error is also in compiler.errors(), read once all files are in.
    with contextlib.suppress(yara_x.CompileError):
        compiler.add_source(text.decode("utf-8", errors="replace"), origin)


def _error_problem(error: dict[str, Any]) -> SignatureProblem:
    labels = error.get("labels") or [{}]
    origin = labels[0].get("code_origin") or "yara"
    line = int(error.get("line") or labels[0].get("line") or 0)
    detail = labels[0].get("text") or ""
    reason = f"not compiled: {error.get('title', 'error')}" + (f" ({detail})" if detail else "")
    return SignatureProblem(str(origin), line, reason)


def _compile(sources: Sequence[tuple[str, bytes]]) -> CompiledRules:
    compiler = yara_x.Compiler(relaxed_re_syntax=True)
    compiler.ignore_invalid_rules(True)
    for module in _MISSING_MODULES:
        compiler.ignore_module(module)
    for name in EXTERNALS:
        compiler.define_global(name, "")
    for origin, text in sources:
        _add_source(compiler, origin, text)
    problems = [_error_problem(error) for error in compiler.errors()]
    # The stubs of yara-x 1.23 declare these properties as functions without self.
    untyped: Any = compiler
    for ignored in untyped.ignored_rules():
        if ignored.reason == yara_x.IgnoredRuleReason.CompileError:
            continue  # already reported, with its line, by compiler.errors()
        reason = f"rule {ignored.name} dropped: {ignored.message}"
        problems.append(SignatureProblem("yara", 0, reason))
    rules = compiler.build()
    count = sum(1 for _ in rules)
    uses_md5 = any(_USES_MD5.search(text) for _, text in sources)
    return CompiledRules(rules if count else None, count, uses_md5, problems)


def _read_cache(directory: Path, key: str) -> CompiledRules | None:
    try:
        meta = json.loads((directory / f"{key}.json").read_text("utf-8"))
        data = (directory / f"{key}.yarc").read_bytes() if meta["count"] else b""
        rules = rules_from_bytes(data) if data else None
    except (OSError, ValueError, KeyError, TypeError, yara_x.CompileError):
        return None  # a missing or damaged cache entry: compile again
    problems = [SignatureProblem(p[0], p[1], p[2]) for p in meta.get("problems", [])]
    return CompiledRules(rules, meta["count"], bool(meta.get("uses_md5")), problems, key)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _write_cache(directory: Path, compiled: CompiledRules) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if compiled.rules is not None:
            _write_atomically(directory / f"{compiled.key}.yarc", rules_to_bytes(compiled.rules))
        meta = {
            "count": compiled.count,
            "uses_md5": compiled.uses_md5,
            "problems": [[p.source, p.line, p.reason] for p in compiled.problems],
        }
        _write_atomically(directory / f"{compiled.key}.json", json.dumps(meta).encode())
    except OSError:
        pass  # a read-only cache only costs a compile on the next start


def compile_rules(
    sources: Sequence[tuple[str, bytes]], cache_dir: Path | None = None
) -> CompiledRules:
    """Compile ``(origin, source)`` pairs, reusing ``cache_dir`` when the sources are unchanged.

    Never raises for bad rules: they are dropped and listed in ``problems``.
    """
    if not sources:
        return CompiledRules(None)
    key = _cache_key(sources)
    if cache_dir is not None:
        cached = _read_cache(cache_dir, key)
        if cached is not None:
            return cached
    compiled = _compile(sources)
    compiled.key = key
    if cache_dir is not None:
        _write_cache(cache_dir, compiled)
    return compiled
