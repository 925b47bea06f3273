"""The scanner benchmark's signatures: 100 generated YARA rules and 1,000 SHA-256 hash IOCs.

The rules are written in the subset that yara-x, yara 4.2 and ClamAV's YARA support all
accept: no modules, no externals, no ``global`` rules, 3–6 strings each (a mix of text strings
with ``nocase`` / ``wide ascii`` modifiers, hex strings with wildcards, alternatives and
jumps, and a few regular expressions), conditions made of ``any of``, ``N of``, ``all of``,
``and`` / ``or`` and ``filesize``. Every text string carries a random tag so that a rule
matches only the files the corpus plants for it, never generated text by accident.

``Rule.instance(rng)`` returns bytes that satisfy the rule's condition, for planting.
Everything depends only on the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

RULES = 100
HASH_IOCS = 1_000

# Fragments found in real rules (registry keys, API names, web-shell and loader markers); each
# string adds a random tag, so none of them occurs in the generated text by chance.
TEXT_STEMS = [
    "Software\\Microsoft\\Windows\\CurrentVersion\\Run\\",
    "Global\\",
    "cmd.exe /c ",
    "powershell -nop -w hidden -enc ",
    "\\AppData\\Roaming\\",
    "User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; ",
    "VirtualAllocEx",
    "CreateRemoteThread",
    "WriteProcessMemory",
    "/gate.php?id=",
    "eval(base64_decode($_POST['",
    "document.write(unescape('",
    "schtasks /create /tn ",
    "vssadmin delete shadows ",
    "YOUR FILES HAVE BEEN ENCRYPTED ",
    "\\\\.\\pipe\\",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ",
    "POST /api/v1/beacon?",
    "keylog_",
    "stratum+tcp://",
]
TAG_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CONDITIONS = ["any", "two", "all", "first_and_any", "filesize_any", "hex_or_all"]


@dataclass(frozen=True)
class String:
    """One rule string: its declaration and how to produce bytes it matches."""

    name: str
    declaration: str
    example: bytes


@dataclass(frozen=True)
class Rule:
    name: str
    strings: tuple[String, ...]
    condition: str

    def source(self) -> str:
        """Return the rule's YARA source."""
        lines = [f"rule {self.name}", "{", "    meta:", '        author = "CleanNet bench"']
        lines += ["    strings:"] + [f"        {s.declaration}" for s in self.strings]
        lines += ["    condition:", f"        {self.condition}", "}"]
        return "\n".join(lines) + "\n"

    def instance(self, rng: random.Random) -> bytes:
        """Return bytes that satisfy the condition: every string, separated by random filler."""
        parts = []
        for string in self.strings:
            parts += [rng.randbytes(rng.randint(16, 64)), string.example]
        return b"".join(parts) + rng.randbytes(32)


def _tag(rng: random.Random, length: int = 6) -> str:
    return "".join(rng.choice(TAG_ALPHABET) for _ in range(length))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _text_string(name: str, rng: random.Random) -> String:
    text = rng.choice(TEXT_STEMS) + _tag(rng)
    modifier = rng.choices(["", " nocase", " ascii wide"], weights=[6, 2, 2])[0]
    example = text.encode()
    if modifier == " ascii wide" and rng.random() < 0.5:
        example = text.encode("utf-16-le")
    return String(name, f'${name} = "{_escape(text)}"{modifier}', example)


def _hex_string(name: str, rng: random.Random) -> String:
    """A hex string: 8–16 fixed bytes in front (a good atom), then wildcards, a jump or
    an alternative, then more fixed bytes."""
    head = rng.randbytes(rng.randint(8, 16))
    tokens, example = [f"{b:02X}" for b in head], bytearray(head)
    shape = rng.choice(["wildcard", "jump", "alternative"])
    if shape == "wildcard":
        gap = rng.randint(1, 3)
        tokens += ["??"] * gap
        example += rng.randbytes(gap)
    elif shape == "jump":
        low = rng.randint(1, 4)
        tokens.append(f"[{low}-{low + rng.randint(1, 8)}]")
        example += rng.randbytes(low)
    else:
        first, second = rng.randbytes(2), rng.randbytes(2)
        tokens.append(f"( {first.hex(' ').upper()} | {second.hex(' ').upper()} )")
        example += first
    tail = rng.randbytes(rng.randint(4, 8))
    tokens += [f"{b:02X}" for b in tail]
    example += tail
    return String(name, f"${name} = {{ {' '.join(tokens)} }}", bytes(example))


def _regex_string(name: str, rng: random.Random) -> String:
    stem = f"{_tag(rng, 5)}_loader"
    digits = "".join(rng.choice("0123456789") for _ in range(4))
    hexes = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    example = f"/{stem}{digits}.php?k={hexes}".encode()
    return String(name, f"${name} = /\\/{stem}[0-9]{{4}}\\.php\\?k=[a-f0-9]{{8}}/", example)


def _condition(kind: str, strings: tuple[String, ...]) -> str:
    names = [s.name for s in strings]
    if kind == "two":
        return "2 of them"
    if kind == "all":
        return "all of them"
    if kind == "first_and_any":
        rest = ", ".join(f"${n}" for n in names[1:])
        return f"${names[0]} and any of ({rest})"
    if kind == "filesize_any":
        return "filesize < 30MB and any of them"
    if kind == "hex_or_all":
        hexes = [n for n in names if n.startswith("h")]
        return f"${hexes[0]} or all of them" if hexes else "any of them"
    return "any of them"


def make_rule(index: int, rng: random.Random) -> Rule:
    """Return rule ``index``: 3–6 strings, at least one text and one hex string."""
    count = rng.randint(3, 6)
    kinds = ["s", "h"] + [rng.choice("ssh") for _ in range(count - 2)]
    if rng.random() < 0.1:
        kinds[-1] = "r"
    makers = {"s": _text_string, "h": _hex_string, "r": _regex_string}
    strings = tuple(makers[k](f"{k}{i}", rng) for i, k in enumerate(kinds))
    condition = _condition(rng.choice(CONDITIONS), strings)
    return Rule(f"Bench_Rule_{index:03d}_{_tag(rng, 4)}", strings, condition)


def eicar_rule(eicar: bytes) -> Rule:
    """The EICAR test file by its first 40 bytes (written as hex: the rule file never holds
    the test string as text), at most 128 bytes long as the standard allows."""
    head = eicar[:40]
    string = String("e", f"$e = {{ {head.hex(' ').upper()} }}", head)
    return Rule("Bench_EICAR_Test_File", (string,), "$e at 0 and filesize < 129")


def make_rules(seed: int, count: int = RULES) -> list[Rule]:
    """Return ``count`` generated rules (the EICAR rule is added separately)."""
    rng = random.Random(f"rules-{seed}")
    return [make_rule(i, rng) for i in range(count)]


def random_hash_iocs(seed: int, count: int) -> list[tuple[str, int]]:
    """Return ``count`` random (sha256, size) pairs that match no file of the corpus."""
    rng = random.Random(f"hashes-{seed}")
    return [(rng.randbytes(32).hex(), int(10 ** rng.uniform(3, 7.3))) for _ in range(count)]
