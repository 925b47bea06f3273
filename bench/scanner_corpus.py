"""The scanner benchmark's corpus and signatures, generated once under ``var/bench/scanner``.

``generate(work, megabytes, seed)`` writes (or reuses, when the manifest says the same
generator, size and seed) a directory ``<work>/s<seed>-<megabytes>mb/`` holding

- ``corpus/``: about ``megabytes`` MiB of mixed files, all from the seed —
  random binary files of 1 KiB … 20 MiB (log-uniform sizes; blocks of random bytes, zeros and
  x86-like byte sequences), text / HTML / JS / CSV-like files of 256 B … 256 KiB, zips
  (deflated and stored members) and tar.gz archives, and the planted items below;
- ``signatures/{cleannet,clamav,yara}/``: the same 100 generated rules (+ one EICAR rule) as
  ``bench.yar`` in each; 1,000 SHA-256 hash IOCs as ``hash-iocs.txt`` (signature-base format,
  for CleanNet) and as ``bench.hsb`` (``sha256:size:name``, for ClamAV); the yara command line
  gets the rules only;
- ``manifest.json``: the composition and every planted item with the ways a tool can find it.

Planted: EICAR (plain, with trailing whitespace, in a zip, in a zip in a zip, in a tar.gz —
decoded at run time from a reversed, XOR'd constant, never a literal in the repository),
files whose SHA-256 is a hash IOC (one inside a zip), and files satisfying five of the rules.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scanner_content as content
import scanner_rules

GENERATOR = 4  # bump when the corpus changes, so an old one is regenerated
# The EICAR test string, reversed and XOR'd with 0x5A (so no antivirus flags this file).
_EICAR_MASKED = bytes.fromhex(
    "701271127e7b1f16131c770e091f0e77090f08130c130e141b771e081b1e141b0e0977081b19131f7e276d"
    "7319196d73040a726e6f02000a066e010a1b1a7f0a7b156f02"
)


def eicar() -> bytes:
    """Return the 68-byte EICAR test string, decoded now."""
    return bytes(b ^ 0x5A for b in reversed(_EICAR_MASKED))


@dataclass(frozen=True)
class Corpus:
    directory: Path  # the corpus to scan
    signatures: dict[str, Path]  # tool family → its signature directory
    manifest: dict[str, Any]


class _Writer:
    """Writes corpus files, counting them per kind."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self.counts: dict[str, dict[str, int]] = {}
        self.total = 0

    def write(self, relative: str, data: bytes, kind: str) -> str:
        path = self.corpus / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        figures = self.counts.setdefault(kind, {"files": 0, "bytes": 0})
        figures["files"] += 1
        figures["bytes"] += len(data)
        self.total += len(data)
        return relative


def _members(rng: random.Random, seed: int, index: int) -> list[tuple[str, bytes]]:
    members = []
    for m in range(rng.randint(3, 20)):
        if rng.random() < 0.6:
            kind = rng.choice(["txt", "html", "js", "csv"])
            size = content.log_uniform(rng, 256, 256_000)
            members.append((f"doc{m}.{kind}", content.text_bytes(rng, size, kind)))
        else:
            size = content.log_uniform(rng, 1024, 2_000_000)
            members.append((f"bin{m}.dat", content.binary_bytes([seed, 7, index, m], size)))
    return members


def _fill(writer: _Writer, seed: int, budget: int) -> None:
    """Write the ordinary files: text 20 %, archives 15 %, binary the rest of ``budget``."""
    rng = random.Random(f"corpus-{seed}")
    start = writer.total  # the planted items come first
    text_end = start + (budget - start) * 0.20
    archive_end = start + (budget - start) * 0.35
    index = 0
    while writer.total < text_end:
        kind = rng.choice(["txt", "html", "js", "csv"])
        data = content.text_bytes(rng, content.log_uniform(rng, 256, 256_000), kind)
        writer.write(f"docs/{index % 32:02d}/file{index:05d}.{kind}", data, "text")
        index += 1
    while writer.total < archive_end:
        members = _members(rng, seed, index)
        if rng.random() < 0.6:
            data = content.zip_bytes(members, rng)
            writer.write(f"archives/{index % 8}/bundle{index:05d}.zip", data, "zip")
        else:
            data = content.tar_gz_bytes(members)
            writer.write(f"archives/{index % 8}/backup{index:05d}.tar.gz", data, "tar.gz")
        index += 1
    while writer.total < budget:
        data = content.binary_bytes([seed, index], content.log_uniform(rng, 1024, 20 * 2**20))
        writer.write(f"programs/{index % 16:02d}/blob{index:05d}.bin", data, "binary")
        index += 1


def _plant(writer: _Writer, seed: int, rules: list[scanner_rules.Rule]) -> list[dict[str, Any]]:
    """Write the planted items; return them with the ways a tool can find each."""
    rng = random.Random(f"plant-{seed}")
    test, planted = eicar(), []

    def item(relative: str, data: bytes, what: str, ways: list[list[str]], **more: Any) -> None:
        writer.write(relative, data, "planted")
        planted.append({"path": relative, "what": what, "ways": ways, **more})

    item("downloads/eicar.com", test, "EICAR", [["hash"], ["yara"]], sha256=_sha(test))
    item("downloads/readme-eicar.txt", test + b" \r\n\t", "EICAR + whitespace", [["yara"]])
    inner = content.zip_bytes([("eicar.com", test)], rng)
    item("mail/attachment.zip", inner, "EICAR in a zip", [["archive", "hash"], ["archive", "yara"]])
    item(
        "mail/nested.zip",
        content.zip_bytes([("inner.zip", inner)], rng),
        "EICAR in a zip in a zip",
        [["archive", "hash"], ["archive", "yara"]],
    )
    item(
        "backups/eicar.tar.gz",
        content.tar_gz_bytes([("tmp/eicar.com", test)]),
        "EICAR in a tar.gz",
        [["archive", "hash"], ["archive", "yara"]],
    )
    for n, size in enumerate([1024, 17_000, 300_000, 1_500_000, 6_000_000]):
        data = content.binary_bytes([seed, 99, n], size)
        item(f"programs/ioc/dropper{n}.exe", data, "hash IOC", [["hash"]], sha256=_sha(data))
    member = content.binary_bytes([seed, 98], 40_000)
    item(
        "mail/payload.zip",
        content.zip_bytes([("update.exe", member)], rng),
        "hash IOC in a zip",
        [["archive", "hash"]],
        sha256=_sha(member),
    )
    chosen = rng.sample(range(len(rules)), 5)
    for n, index in enumerate(chosen[:3]):
        data = content.binary_bytes([seed, 97, n], 200_000)
        at = rng.randrange(len(data))
        item(
            f"programs/yara/tool{n}.dll",
            data[:at] + rules[index].instance(rng) + data[at:],
            f"YARA rule {rules[index].name}",
            [["yara"]],
            rule=rules[index].name,
        )
    script = content.text_bytes(rng, 20_000, "js") + rules[chosen[3]].instance(rng)
    item(
        "web/static/app.min.js",
        script,
        f"YARA rule {rules[chosen[3]].name} in JS",
        [["yara"]],
        rule=rules[chosen[3]].name,
    )
    hidden = [
        ("logs/app.log", content.text_bytes(rng, 5000, "txt")),
        ("bin/x", rules[chosen[4]].instance(rng)),
    ]
    item(
        "backups/site.tar.gz",
        content.tar_gz_bytes(hidden),
        f"YARA rule {rules[chosen[4]].name} in a tar.gz",
        [["archive", "yara"]],
        rule=rules[chosen[4]].name,
    )
    return planted


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_signatures(
    root: Path,
    seed: int,
    rules: list[scanner_rules.Rule],
    planted: list[dict[str, Any]],
    corpus: Path,
) -> dict[str, Path]:
    """Write the rules and the 1,000 hash IOCs for each tool; return the directories."""
    source = "".join(r.source() for r in rules) + scanner_rules.eicar_rule(eicar()).source()
    known = [(p["sha256"], p) for p in planted if "sha256" in p]
    sizes = {sha: len(eicar()) if p["what"] == "EICAR" else _size(p, corpus) for sha, p in known}
    pairs = [(sha, sizes[sha]) for sha, _ in known]
    pairs += scanner_rules.random_hash_iocs(seed, scanner_rules.HASH_IOCS - len(pairs))
    random.Random(f"order-{seed}").shuffle(pairs)
    dirs = {name: root / "signatures" / name for name in ("cleannet", "clamav", "yara")}
    for directory in dirs.values():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "bench.yar").write_text(source)
    lines = [f"# CleanNet scanner bench: {len(pairs)} SHA-256 hash IOCs (seed {seed})"]
    lines += [f"{sha};Bench hash IOC {i}" for i, (sha, _) in enumerate(pairs)]
    (dirs["cleannet"] / "hash-iocs.txt").write_text("\n".join(lines) + "\n")
    hsb = [f"{sha}:{size}:Bench.Hash.{i}" for i, (sha, size) in enumerate(pairs)]
    (dirs["clamav"] / "bench.hsb").write_text("\n".join(hsb) + "\n")
    return dirs


def _size(item: dict[str, Any], corpus: Path) -> int:
    path = corpus / str(item["path"])
    if path.suffix == ".zip":  # the hash is the (only) member's
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()[0].file_size
    return path.stat().st_size


def generate(work: Path, megabytes: int, seed: int) -> Corpus:
    """Return the corpus for (megabytes, seed), generating it when missing or outdated."""
    root = work / f"s{seed}-{megabytes}mb"
    manifest_path = root / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("generator") == GENERATOR:
            dirs = {n: root / "signatures" / n for n in ("cleannet", "clamav", "yara")}
            return Corpus(root / "corpus", dirs, manifest)
    shutil.rmtree(root, ignore_errors=True)
    writer = _Writer(root / "corpus")
    rules = scanner_rules.make_rules(seed)
    planted = _plant(writer, seed, rules)
    _fill(writer, seed, megabytes * 2**20)
    dirs = _write_signatures(root, seed, rules, planted, writer.corpus)
    manifest = {
        "generator": GENERATOR,
        "seed": seed,
        "megabytes": megabytes,
        "files": sum(c["files"] for c in writer.counts.values()),
        "bytes": writer.total,
        "composition": writer.counts,
        "rules": len(rules) + 1,
        "hash_iocs": scanner_rules.HASH_IOCS,
        "planted": planted,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return Corpus(writer.corpus, dirs, manifest)
