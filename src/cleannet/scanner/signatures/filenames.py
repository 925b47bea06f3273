"""Filename/path IOCs (signature-base ``filename-iocs.txt``) evaluated as one combined set.

Each line is ``regex;score[;false-positive regex]``; the last comment line before it is its
description. Loki runs the ~3,800 regexes one by one for every file. Here each regex's
required literal (``literals.py``) goes into one Aho-Corasick automaton, so a path costs one
pass of the automaton plus the few regexes whose literal it contains; the regexes without a
usable literal are compiled into alternation chunks of at most ``CHUNK`` patterns, and only
a chunk that matched is looked at pattern by pattern, to name every IOC that fits.

Before compiling, each regex is made portable: ``%SystemRoot%``-style environment variables
become patterns for their usual values, a path separator (``\\\\`` or ``/``) matches either
separator, and inline global flags such as ``(?i)`` become a scoped group, so that one
pattern's flags never leak into another's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from cleannet.scanner.signatures.lines import SignatureProblem, iter_signature_lines
from cleannet.scanner.signatures.literals import fold_path, required_literal

__all__ = ["CHUNK", "FilenameIOC", "FilenameSet", "portable_regex"]

CHUNK = 200
_SEP = r"[\\/]"
_ENV_VAR = re.compile(r"@?%([A-Za-z_][A-Za-z0-9_()]*)%")
_DRIVE = r"[a-z]:"
_USER = _DRIVE + r"\\users\\[^\\]+"
_ENV_PATTERNS = {
    "systemroot": _DRIVE + r"\\windows",
    "windir": _DRIVE + r"\\windows",
    "systemdrive": _DRIVE,
    "homedrive": _DRIVE,
    "programfiles": _DRIVE + r"\\program files(?: \(x86\))?",
    "programfiles(x86)": _DRIVE + r"\\program files \(x86\)",
    "programw6432": _DRIVE + r"\\program files",
    "programdata": _DRIVE + r"\\programdata",
    "allusersprofile": _DRIVE + r"\\programdata",
    "public": _DRIVE + r"\\users\\public",
    "userprofile": _USER,
    "homepath": r"\\users\\[^\\]+",
    "appdata": _USER + r"\\appdata\\roaming",
    "localappdata": _USER + r"\\appdata\\local",
    "temp": r"(?:" + _USER + r"\\appdata\\local\\temp|" + _DRIVE + r"\\windows\\temp)",
    "tmp": r"(?:" + _USER + r"\\appdata\\local\\temp|" + _DRIVE + r"\\windows\\temp)",
}
_GLOBAL_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_NEEDS_ALONE = re.compile(r"\\[1-9]|\(\?P[<=]|\(\?\(")


def _expand_env_vars(pattern: str) -> str:
    def replace(match: re.Match[str]) -> str:
        known = _ENV_PATTERNS.get(match.group(1).lower())
        return f"(?i:{known})" if known else r"[^\\/]+(?:[\\/][^\\/]+)*?"

    return _ENV_VAR.sub(replace, pattern)


def _portable_separators(pattern: str) -> tuple[str, str]:
    """Rewrite separators to match both ``\\`` and ``/``; return (pattern, global flags)."""
    out: list[str] = []
    flags = ""
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            i += 2
            if escaped == "\\":
                out.append(r"\\/" if in_class else _SEP)
            else:
                out.append("\\" + escaped)
            continue
        if not in_class and char == "(":
            flag_match = _GLOBAL_FLAGS.match(pattern, i)
            if flag_match:
                flags += flag_match.group(1)
                i = flag_match.end()
                continue
        if char == "/":
            out.append(r"\\/" if in_class else _SEP)
        else:
            out.append(char)
            if char == "[" and not in_class:
                in_class = True
                if pattern[i + 1 : i + 2] == "^":
                    out.append("^")
                    i += 1
                if pattern[i + 1 : i + 2] == "]":  # a leading ] is a literal
                    out.append("]")
                    i += 1
            elif char == "]" and in_class:
                in_class = False
        i += 1
    return "".join(out), "".join(sorted(set(flags)))


def portable_regex(pattern: str) -> str:
    """Return ``pattern`` with env vars expanded, both separators and scoped inline flags."""
    body, flags = _portable_separators(_expand_env_vars(pattern))
    scoped = flags.replace("a", "").replace("L", "").replace("u", "")
    return f"(?{scoped}:{body})" if scoped else body


@dataclass(frozen=True, slots=True)
class FilenameIOC:
    """One filename IOC: the original regex, its compiled forms, score and description."""

    regex: str
    portable: str
    compiled: re.Pattern[str]
    score: int
    description: str
    false_positive: re.Pattern[str] | None = None

    @property
    def name(self) -> str:
        return self.description or f"Filename-IOC {self.regex}"

    def matches(self, path: str) -> bool:
        if self.compiled.search(path) is None:
            return False
        return self.false_positive is None or self.false_positive.search(path) is None


def _compile_chunk(iocs: list[FilenameIOC]) -> re.Pattern[str] | None:
    try:
        return re.compile("|".join(f"(?:{ioc.portable})" for ioc in iocs))
    except (re.error, RecursionError, OverflowError):
        return None


class FilenameSet:
    """All filename IOCs: a literal prefilter, then a few combined regexes for the rest."""

    def __init__(self, iocs: Iterable[FilenameIOC] = ()) -> None:
        self.iocs: list[FilenameIOC] = list(iocs)
        self._automaton: Any = None
        self._chunks: list[tuple[re.Pattern[str], list[FilenameIOC]]] = []
        self._alone: list[FilenameIOC] = []
        self._build()

    def _build(self) -> None:
        automaton = ahocorasick.Automaton()
        rest: list[FilenameIOC] = []
        for ioc in self.iocs:
            literal = required_literal(ioc.portable)
            if literal is None:
                rest.append(ioc)
            elif automaton.exists(literal):
                automaton.get(literal).append(ioc)
            else:
                automaton.add_word(literal, [ioc])
        self._automaton = None
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton
        together = [i for i in rest if not _NEEDS_ALONE.search(i.portable)]
        self._alone = [i for i in rest if _NEEDS_ALONE.search(i.portable)]
        self._chunks = []
        for start in range(0, len(together), CHUNK):
            chunk = together[start : start + CHUNK]
            combined = _compile_chunk(chunk)
            if combined is None:
                self._alone.extend(chunk)
            else:
                self._chunks.append((combined, chunk))

    def _candidates(self, path: str) -> list[FilenameIOC]:
        if self._automaton is None:
            return []
        seen: dict[int, FilenameIOC] = {}
        for _end, iocs in self._automaton.iter(fold_path(path)):
            for ioc in iocs:
                seen[id(ioc)] = ioc
        return list(seen.values())

    def __len__(self) -> int:
        return len(self.iocs)

    def extend(self, other: FilenameSet) -> None:
        self.iocs.extend(other.iocs)
        self._build()

    def match(self, path: str) -> list[tuple[str, int]]:
        """Every IOC whose regex finds ``path`` and whose false-positive regex does not."""
        found = [(i.name, i.score) for i in self._candidates(path) if i.matches(path)]
        for combined, chunk in self._chunks:
            if combined.search(path) is not None:
                found.extend((i.name, i.score) for i in chunk if i.matches(path))
        found.extend((i.name, i.score) for i in self._alone if i.matches(path))
        return found

    @classmethod
    def parse(cls, text: str, source: str) -> tuple[FilenameSet, list[SignatureProblem]]:
        """Read ``regex;score[;fp-regex]`` lines; a bad line is a problem, not a failure."""
        iocs: list[FilenameIOC] = []
        problems: list[SignatureProblem] = []
        for line in iter_signature_lines(text):
            parsed = _parse_line(line.text, line.description)
            if isinstance(parsed, str):
                problems.append(SignatureProblem(source, line.number, parsed))
            else:
                iocs.append(parsed)
        return cls(iocs), problems


def _compile(regex: str, what: str) -> re.Pattern[str] | str:
    try:
        return re.compile(portable_regex(regex))
    except (re.error, RecursionError, OverflowError) as error:
        return f"the {what} {regex!r} does not compile: {error}"


def _parse_line(text: str, description: str) -> FilenameIOC | str:
    # The regex itself may hold ';' only inside the last fields' text, so split from the right
    # on the score: "regex;score" or "regex;score;fp-regex".
    match = re.fullmatch(r"(.*?);\s*(-?\d+)\s*(?:;(.*))?", text)
    if match is None:
        return "a filename IOC line is regex;score[;false-positive regex]"
    regex, score, fp_regex = match.group(1), int(match.group(2)), match.group(3)
    compiled = _compile(regex, "regex")
    if isinstance(compiled, str):
        return compiled
    false_positive: re.Pattern[str] | None = None
    if fp_regex and fp_regex.strip():
        fp_compiled = _compile(fp_regex.strip(), "false-positive regex")
        if isinstance(fp_compiled, str):
            return fp_compiled
        false_positive = fp_compiled
    return FilenameIOC(regex, compiled.pattern, compiled, score, description, false_positive)
