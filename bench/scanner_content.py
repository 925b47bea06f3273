"""The scanner benchmark's file contents: binary, text, zip and tar.gz, all from a seed.

``binary_bytes`` mixes blocks of random bytes, zeros and x86-like sequences (so that binary
files are not all noise); ``text_bytes`` writes prose, HTML, JS or CSV-like lines from a small
vocabulary (which no rule string occurs in); ``zip_bytes`` / ``tar_gz_bytes`` pack members.
"""

from __future__ import annotations

import gzip
import io
import math
import random
import tarfile
import zipfile

import numpy as np
import scanner_rules

BLOCK = 4096
# Byte sequences common in x86 code and PE files, so binary files are not all random bytes.
CODE = np.frombuffer(
    bytes.fromhex(
        "558bec83 8945fc8b e8000000 c3cccccc 48895c24 00000000 ff150000 4883ec28"
        " 8b4d0851 6a006a00 90909090 33c05dc3 0f1f4000 4c8d0500 ffffffff 41b80100"
    ),
    dtype=np.uint8,
).reshape(16, 4)
# fmt: off
WORDS = [
    "the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "as", "by", "this",
    "from", "at", "are", "be", "it", "an", "or", "was", "which", "network", "report", "service",
    "data", "system", "user", "value", "number", "table", "index", "order", "record", "time",
    "province", "district", "market", "river", "school", "village", "hanoi", "saigon", "danang",
    "hue", "mekong", "delta", "function", "return", "const", "let", "var", "if", "else", "for",
    "while", "true", "false", "null", "undefined", "async", "await", "div", "span", "class",
    "href", "style", "script", "table", "row", "cell", "title", "body", "head", "meta", "link",
    "section",
]
# fmt: on
API_NAMES = [
    "kernel32.dll",
    "ntdll.dll",
    "user32.dll",
    "advapi32.dll",
    "ws2_32.dll",
    "wininet.dll",
    "GetProcAddress",
    "LoadLibraryA",
    "VirtualAlloc",
    "VirtualProtect",
    "CreateFileW",
    "RegOpenKeyExW",
    "RegSetValueExW",
    "InternetOpenUrlA",
    "HttpSendRequestA",
    "CreateProcessW",
    "OpenProcess",
    "ReadProcessMemory",
    "CreateMutexA",
    "GetTickCount",
    "Sleep",
    "ExitProcess",
]  # fmt: skip
STRING_POOL = np.frombuffer(
    b"\0".join(
        s.encode() for s in random.Random(0).choices(API_NAMES + scanner_rules.TEXT_STEMS, k=6000)
    ),
    dtype=np.uint8,
)
HTML_TAGS = ["p", "div", "span", "li", "td", "h2", "a"]
JS_LINES = [
    "function {0}({1}) {{ return {1} * {2}; }}",
    "const {0} = document.getElementById('{1}');",
    "if ({0} > {2}) {{ console.log('{1}'); }}",
    "let {0} = [{2}, {2}, {2}].map(x => x + 1);",
    "export async function {0}() {{ await fetch('/{1}'); }}",
]


def log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def binary_bytes(seed: list[int], size: int) -> bytes:
    """Blocks of random bytes (40 %), zeros (20 %), x86-like sequences (30 %) and string
    tables (10 %: API names and the rules' text fragments without their tags, so that rule
    atoms hit and the engines must verify and reject, as in real executables)."""
    rng = np.random.default_rng(seed)
    blocks = -(-size // BLOCK)
    kinds = rng.choice(4, size=blocks, p=[0.4, 0.2, 0.3, 0.1])
    out = rng.integers(0, 256, size=(blocks, BLOCK), dtype=np.uint8)
    out[kinds == 1] = 0
    code = int((kinds == 2).sum())
    if code:
        picked = CODE[rng.integers(0, len(CODE), size=(code, BLOCK // 4))]
        out[kinds == 2] = picked.reshape(code, BLOCK)
    tables = int((kinds == 3).sum())
    if tables:
        starts = rng.integers(0, len(STRING_POOL) - BLOCK, size=(tables, 1))
        out[kinds == 3] = STRING_POOL[starts + np.arange(BLOCK)]
    return out.tobytes()[:size]


def text_bytes(rng: random.Random, size: int, kind: str) -> bytes:
    """Prose, HTML, JS or CSV-like text of about ``size`` bytes."""
    lines: list[str] = []
    total = 0
    while total < size:
        words = rng.choices(WORDS, k=rng.randint(6, 18))
        if kind == "html":
            tag = rng.choice(HTML_TAGS)
            line = f'<{tag} class="{words[0]}">{" ".join(words[1:])}</{tag}>'
        elif kind == "js":
            line = rng.choice(JS_LINES).format(words[0] + words[1], words[2], rng.randint(0, 999))
        elif kind == "csv":
            line = ",".join(f"{w},{rng.randint(0, 10**6)}" for w in words[:4])
        else:
            line = " ".join(words).capitalize() + "."
        if rng.random() < 0.03:  # a rule's fragment without its tag: an atom hit to reject
            line += " " + rng.choice(scanner_rules.TEXT_STEMS)
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()[:size]


def zip_bytes(members: list[tuple[str, bytes]], rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            text = data[:64].isascii()
            method = zipfile.ZIP_DEFLATED if text or rng.random() < 0.3 else zipfile.ZIP_STORED
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, method, 6)
    return buffer.getvalue()


def tar_gz_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A tar.gz of ``members``; the gzip header's time is 0, so the bytes depend on the seed."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_704_067_200
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0)
