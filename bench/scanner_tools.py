"""The scanner benchmark's stages: each tool's command, one timed fresh process, its findings.

Every stage is a ``Stage``: a command line, what the tool can find (``hash``, ``yara``,
``archive``) and a parser that turns what it wrote into detections ``(top-level path relative
to the corpus, signature name)`` — clamscan names the archive, CleanNet ``outer.zip!member``;
both count as the archive's path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TIMEOUT = 900
TIME = Path("/usr/bin/time")  # GNU time, for the peak RSS of the command itself
Parse = Callable[[str, Path, Path], dict[str, Any]]  # (stdout, output file, corpus) → findings


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    command: list[str]  # "{corpus}" and "{output}" are filled in per run
    finds: frozenset[str]
    parse: Parse


def _relative(path: str, corpus: Path) -> str:
    top = path.split("!", 1)[0]
    if os.path.isabs(top):
        return os.path.relpath(top, corpus)
    return top.removeprefix("./")


def parse_clamscan(stdout: str, _output: Path, corpus: Path) -> dict[str, Any]:
    """``PATH: NAME FOUND`` lines (``--no-summary`` leaves only OK / FOUND / ERROR lines)."""
    detections, errors = [], []
    for line in stdout.splitlines():
        if line.endswith(" FOUND"):
            path, _, name = line[: -len(" FOUND")].rpartition(": ")
            detections.append([_relative(path, corpus), name])
        elif line.endswith(" ERROR") or "WARNING" in line:
            errors.append(line)
    return {"detections": detections, "errors": errors}


def parse_yara(stdout: str, _output: Path, corpus: Path) -> dict[str, Any]:
    """``RULE PATH`` lines."""
    detections = []
    for line in stdout.splitlines():
        rule, _, path = line.partition(" ")
        if path:
            detections.append([_relative(path, corpus), rule])
    return {"detections": detections, "errors": []}


def parse_cleannet(_stdout: str, output: Path, corpus: Path) -> dict[str, Any]:
    """The JSON report: ``detections: [{path, detection, kind, action}]``, ``unscanned``."""
    if not output.is_file():
        return {"detections": [], "errors": [], "failed": "no JSON report written"}
    report = json.loads(output.read_text())
    detections = [
        [_relative(d["path"], corpus), d["detection"], d.get("kind", ""), d["path"]]
        for d in report.get("detections", [])
    ]
    unscanned = [[u["path"], u["reason"]] for u in report.get("unscanned", [])]
    return {
        "detections": detections,
        "errors": [],
        "unscanned": unscanned,
        "totals": report.get("totals"),
        "bundle_version": report.get("bundle_version"),
    }


def parse_floor(_stdout: str, output: Path, _corpus: Path) -> dict[str, Any]:
    if not output.is_file():
        return {"detections": [], "errors": [], "failed": "no result written"}
    figures = json.loads(output.read_text())
    found = {"detections": figures.pop("detections"), "errors": []}
    if "unscanned" in figures:
        found["unscanned"] = figures.pop("unscanned")
    return found | {"inner": figures}


def stages(signatures: dict[str, Path], workers: list[int]) -> list[Stage]:
    """Return the stages in the order they run."""
    scan = str(ROOT / ".venv" / "bin" / "cleannet-scan")
    everything = frozenset({"hash", "yara", "archive"})
    rules = str(signatures["yara"] / "bench.yar")
    listed = [
        Stage(
            "clamscan",
            "`clamscan -r --no-summary -d DB` (ClamAV)",
            ["clamscan", "-r", "--no-summary", "-d", str(signatures["clamav"]), "{corpus}"],
            everything,
            parse_clamscan,
        ),
        Stage(
            "yara",
            "`yara -r` (yara 4, its default threads)",
            ["yara", "-r", rules, "{corpus}"],
            frozenset({"yara"}),
            parse_yara,
        ),
        Stage(
            "yara_p1",
            "`yara -p 1 -r` (yara 4, one thread)",
            ["yara", "-p", "1", "-r", rules, "{corpus}"],
            frozenset({"yara"}),
            parse_yara,
        ),
        Stage(
            "floor",
            "floor: read + SHA-256 + yara-x, one process",
            [
                sys.executable,
                str(BENCH / "scanner_floor.py"),
                "{corpus}",
                str(signatures["cleannet"]),
                "{output}",
            ],
            frozenset({"hash", "yara"}),
            parse_floor,
        ),
    ]
    listed.append(
        Stage(
            "cleannet_engine",
            "CleanNet engine alone: `scan_file` loop, one process",
            [
                sys.executable,
                str(BENCH / "scanner_engine.py"),
                "{corpus}",
                str(signatures["cleannet"]),
                "{output}",
            ],
            everything,
            parse_floor,
        )
    )
    for count in workers:
        listed.append(
            Stage(
                f"cleannet_w{count}",
                f"`cleannet-scan --workers {count}`",
                [
                    scan,
                    "--signatures",
                    str(signatures["cleannet"]),
                    "--json",
                    "{output}",
                    "--no-progress",
                    "--cache-dir",  # compiled rules, kept beside the corpus, not in $HOME
                    str(signatures["cleannet"].parent.parent / "yara-cache"),
                    "--workers",
                    str(count),
                    "{corpus}",
                ],
                everything,
                parse_cleannet,
            )
        )
    return listed


def run_once(stage: Stage, corpus: Path) -> dict[str, Any]:
    """Run the stage once in a fresh process; return wall and CPU seconds, peak RSS, findings.

    CPU time comes from ``wait4`` (the process and the children it waited for). Peak RSS comes
    from GNU time (``/usr/bin/time -f %M``) when installed: a child forked from this Python
    would otherwise inherit this process's high-water mark across ``exec``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output.json"
        command = [
            a.replace("{corpus}", str(corpus)).replace("{output}", str(output))
            for a in stage.command
        ]
        peak = Path(tmp) / "peak"
        if TIME.is_file():
            command = [str(TIME), "-f", "%M", "-o", str(peak), *command]
        with open(Path(tmp) / "stdout", "w+b") as stdout, open(Path(tmp) / "stderr", "w+b") as err:
            started = time.perf_counter()
            try:
                process = subprocess.Popen(command, stdout=stdout, stderr=err, cwd=ROOT)  # noqa: S603
            except OSError as error:
                return {"error": str(error)}
            status, usage = _wait(process)
            wall = time.perf_counter() - started
            stdout.seek(0)
            err.seek(0)
            text, errors = (
                stdout.read().decode(errors="replace"),
                err.read().decode(errors="replace"),
            )
        findings = stage.parse(text, output, corpus)
        rss_kib = int(peak.read_text().split()[-1]) if peak.is_file() else usage.ru_maxrss
    return {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "exit_status": status,
        "stderr_tail": errors.strip().splitlines()[-5:],
        **findings,
    }


def _wait(process: subprocess.Popen[bytes]) -> tuple[int, Any]:
    """Wait for the process (killed after ``TIMEOUT`` seconds); return its status and usage."""
    timer = threading.Timer(TIMEOUT, process.kill)
    timer.start()
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage


def available(stage: Stage) -> bool:
    """Whether the stage's program is installed."""
    program = stage.command[0]
    return Path(program).is_file() if os.path.isabs(program) else bool(shutil.which(program))


def ensure_peers(log: Callable[[str], None]) -> list[str]:
    """Install clamav and yara from Debian's packages when missing (root only).

    Returns the packages still missing. No freshclam and no official database: clamscan
    reads only the benchmark's own signature directory.
    """
    missing = [
        pkg for pkg, tool in (("clamav", "clamscan"), ("yara", "yara")) if not shutil.which(tool)
    ]
    if missing and os.geteuid() == 0:
        log(f"installing {', '.join(missing)} from Debian's packages")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)  # noqa: S603, S607
    return [
        pkg for pkg, tool in (("clamav", "clamscan"), ("yara", "yara")) if not shutil.which(tool)
    ]


def versions() -> dict[str, str]:
    """Return the peers' versions (and yara-x's) as they report them."""
    found: dict[str, str] = {}
    for name, command in (("clamscan", ["clamscan", "--version"]), ("yara", ["yara", "--version"])):
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            found[name] = done.stdout.strip()
        except OSError:
            found[name] = "not installed"
    try:
        from importlib.metadata import version

        found["yara-x"] = version("yara-x")
    except Exception:  # only a label on the page
        found["yara-x"] = "unknown"
    return found
