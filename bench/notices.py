"""Notices benchmark: queue 100,000 subscriber warnings, deliver them with 2 worker processes.

The issue's target: at least 500 messages/s sustained with 2 workers, to an SMTP server on
loopback. What it does:

1. migrates a fresh SQLite database under ``var/bench/notices`` (or uses ``--database``, a
   PostgreSQL database the benchmark may empty of notices);
2. renders ``--count`` warnings with ``templating.render_notice`` (shipped default, e-mail,
   first notice, three in four in Vietnamese) and queues them with ``outbox.enqueue``,
   1,000 per transaction (``bench/notices_stage.py enqueue``);
3. drains the outbox with ``worker.run_workers(--workers)`` to Postfix's ``smtp-sink`` (a C
   SMTP server made to measure senders; its ``-c`` counter, sampled every 0.1 s, gives the
   sustained rate: the middle 80 % of the messages over the time they took);
4. sends the same messages again with a plain smtplib loop over one SMTP session, building
   each with the e-mail channel's ``email_bytes`` (no database, no outbox);
5. puts the first ``--aiosmtpd-count`` messages back to pending and repeats 3 and 4 with an
   aiosmtpd sink in its own process (the sink the tests use; it shows what a Python sink
   costs); without smtp-sink, aiosmtpd is the only sink;
6. writes ``bench/results/notices.json`` and ``bench/results/notices.md``.

smtp-sink comes from Debian's ``postfix`` package: run as root, the script runs
``apt-get install -y postfix`` itself when it is missing (only the binary is used; a postfix
daemon the install started on port 25 is stopped with ``postfix stop``).

Usage: ``.venv/bin/python bench/notices.py`` (100,000) or ``--count 2000`` for a quick run;
``CLEANNET_BENCH_PROFILE=DIR`` makes each drain worker write a cProfile into DIR.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import ingest_report  # noqa: E402
from code_state import code_state  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "notices"
RESULTS = BENCH / "results"
TARGET_PER_S = 500
SMTP_SINK = "/usr/sbin/smtp-sink"
_COUNTER = re.compile(rb"mesg=(\d+)")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="warnings queued")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--batch-size", type=int, default=100, help="messages per claim")
    parser.add_argument("--database", default="", help="postgres://… (default: a SQLite file)")
    parser.add_argument("--skip-baseline", action="store_true", help="no smtplib loop")
    parser.add_argument(
        "--aiosmtpd-count", type=int, default=20_000, help="messages to aiosmtpd (0: none)"
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where the database lives")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results go")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once."""
    print(message, file=sys.stderr, flush=True)


def ensure_smtp_sink() -> tuple[str | None, str]:
    """Return (path of smtp-sink or None, what was done); installs postfix when root."""
    found = shutil.which("smtp-sink") or (SMTP_SINK if os.access(SMTP_SINK, os.X_OK) else None)
    if found:
        return found, f"smtp-sink found ({found})"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "smtp-sink missing (install first: sudo apt-get install -y postfix)"
    say("installing postfix for smtp-sink (apt-get install -y postfix)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)  # noqa: S607
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "postfix"], check=False, env=env)  # noqa: S607
    if done.returncode != 0 or not os.access(SMTP_SINK, os.X_OK):
        return None, "apt-get install postfix failed: aiosmtpd only"
    note = "installed postfix for smtp-sink"
    if _accepts(25):  # the package may have started the mail system; we only want the binary
        subprocess.run(["postfix", "stop"], check=False)  # noqa: S607
        note += "; the install started postfix on port 25 and it was stopped (postfix stop)"
    return SMTP_SINK, note


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while not _accepts(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the SMTP sink did not start on port {port}")
        time.sleep(0.05)


class SmtpSink:
    """Postfix's smtp-sink on a free loopback port, counting messages (``-c``)."""

    name = "smtp-sink"

    def __init__(self, binary: str, work: Path) -> None:
        self.binary, self.log = binary, work / "smtp-sink.out"

    @contextlib.contextmanager
    def running(self) -> Iterator[SmtpSink]:
        self.port = _free_port()
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        command = [self.binary, "-c", *user, f"127.0.0.1:{self.port}", "1000"]
        with self.log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait_for(self.port, process)
            yield self
        finally:
            process.terminate()
            process.wait()

    def count(self) -> int:
        """Messages accepted so far (the last ``mesg=`` of the counter line)."""
        with self.log.open("rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 200))
            found = _COUNTER.findall(log.read())
        return int(found[-1]) if found else 0

    def figures(self) -> dict[str, Any]:
        return {"sink_accepted": self.count()}


class AiosmtpdSink:
    """aiosmtpd in its own process (``notices_stage.py sink``), recording each arrival."""

    name = "aiosmtpd"

    def __init__(self, work: Path) -> None:
        self.result = work / "aiosmtpd-arrivals.json"
        self.arrivals: list[tuple[float, str]] = []

    @contextlib.contextmanager
    def running(self) -> Iterator[AiosmtpdSink]:
        self.port = _free_port()
        self.result.unlink(missing_ok=True)
        command = [sys.executable, str(BENCH / "notices_stage.py"), "sink", str(self.result)]
        process = subprocess.Popen([*command, str(self.port)])  # noqa: S603
        try:
            _wait_for(self.port, process)
            yield self
        finally:
            process.terminate()
            process.wait()
            self.arrivals = json.loads(self.result.read_text()) if self.result.exists() else []

    def count(self) -> int | None:
        return None  # known when the sink stops

    def figures(self) -> dict[str, Any]:
        ids = [message_id for _, message_id in self.arrivals]
        figures: dict[str, Any] = {"sink_accepted": len(ids), "distinct": len(set(ids))}
        return figures | sustained([(t, n + 1) for n, (t, _) in enumerate(self.arrivals)])


def sustained(samples: list[tuple[float, int]]) -> dict[str, Any]:
    """Messages/s over the middle 80 % of the messages: from (time, count so far) samples."""
    if not samples or samples[-1][1] < 10:
        return {}
    total = samples[-1][1]
    low = next(s for s in samples if s[1] >= total // 10)
    high = next(s for s in samples if s[1] >= total * 9 // 10)
    span = high[0] - low[0]
    return {"sustained_per_s": round((high[1] - low[1]) / span) if span > 0 else None}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(args: argparse.Namespace) -> dict[str, str]:
    """The children's environment: the benchmark's database (the sink's port comes later)."""
    var_dir = args.work / ("postgres" if args.database else "sqlite")
    if not args.database:
        shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CLEANNET_VAR_DIR=str(var_dir), CLEANNET_DEBUG="1", CLEANNET_LOG_LEVEL="warning",
        DJANGO_SETTINGS_MODULE="cleannet.server.settings", CLEANNET_SMTP_HOST="127.0.0.1",
        CLEANNET_SMTP_PORT="25", CLEANNET_NOTICES_FROM="canh-bao@isp.example",
    )  # fmt: skip
    if args.database:
        env["DATABASE_URL"] = args.database
    return env


def stage(env: dict[str, str], name: str, *args: int, sink: Any = None) -> dict[str, Any]:
    """Run one stage of ``bench/notices_stage.py`` in a fresh process; return its figures,
    with the sink's count sampled every 0.1 s meanwhile when a sink is given."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, str(BENCH / "notices_stage.py"), name, str(result)]
        if sink is not None:
            env = env | {"CLEANNET_SMTP_PORT": str(sink.port)}
        process = subprocess.Popen([*command, *map(str, args)], env=env, cwd=ROOT)  # noqa: S603
        samples: list[tuple[float, int]] = []
        while process.poll() is None:
            count = sink.count() if sink is not None else None
            if count is not None:
                samples.append((time.monotonic(), count))
            time.sleep(0.1)
        figures: dict[str, Any] = json.loads(result.read_text()) if result.is_file() else {}
    if process.returncode != 0:
        figures["error"] = f"exit status {process.returncode}"
    if sink is not None and sink.count() is not None:
        samples.append((time.monotonic(), sink.count()))
        figures |= sustained(samples)
    return figures


def against(sink: Any, args: argparse.Namespace, env: dict[str, str], limit: int) -> dict:
    """Drain to ``sink``, then the smtplib baseline of the first ``limit`` messages to it."""
    say(f"drain to {sink.name}: {args.workers} worker processes, batches of {args.batch_size}")
    with sink.running():
        drained = stage(env, "drain", args.workers, args.batch_size, sink=sink)
    drained |= sink.figures()
    say(f"drain to {sink.name}: {drained}")
    baseline = None
    if not args.skip_baseline:
        say(f"baseline to {sink.name}: smtplib over one session")
        with sink.running():
            baseline = stage(env, "baseline", limit, sink=sink)
        baseline |= sink.figures()
        say(f"baseline to {sink.name}: {baseline}")
    return {"sink": sink.name, "drain": drained, "baseline": baseline}


def measure(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Migrate, queue, then drain and baseline against each sink; return the figures."""
    binary, note = ensure_smtp_sink()
    say(note)
    migrate = [sys.executable, "-m", "cleannet", "migrate"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    say(f"enqueue: rendering and queuing {args.count:,} warnings")
    queued = stage(env, "enqueue", args.count)
    say(f"enqueue: {queued}")
    args.work.mkdir(parents=True, exist_ok=True)
    runs = []
    if binary:
        runs.append(against(SmtpSink(binary, args.work), args, env, args.count))
    limit = min(args.count, args.aiosmtpd_count) if binary else args.count
    if limit > 0:
        if binary:
            say(f"reset: the first {limit:,} messages back to pending")
            stage(env, "reset", limit)
        runs.append(against(AiosmtpdSink(args.work), args, env, limit))
    return {"smtp_sink_note": note, "enqueue": queued, "runs": runs}


def run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    """Run the benchmark; return the results (the first run's drain is the one judged)."""
    started, load = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
    source = code_state(ROOT, "notices", ["src/cleannet/server/notices"])
    figures = measure(args, environment(args))
    rate = figures["runs"][0]["drain"].get("sustained_per_s") or 0
    return {
        "command": shlex.join([".venv/bin/python", "bench/notices.py", *argv]),
        "machine": ingest_report.machine() | {"load_average_at_start": load},
        "database": "postgresql" if args.database else "sqlite",
        "source": source,
        **figures,
        "target": {"per_s": TARGET_PER_S, "met": rate >= TARGET_PER_S,
                   "sink": figures["runs"][0]["sink"]},
        "total_seconds": round(time.monotonic() - started, 1),
    }  # fmt: skip


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | float) else "—"


def render(results: dict[str, Any]) -> str:
    """The Markdown page of the results."""
    m, q, target = results["machine"], results["enqueue"], results["target"]
    first = results["runs"][0]["drain"]
    lines = [
        "# Notices benchmark: queuing subscriber warnings and delivering them by e-mail", "",
        f"Command: `{results['command']}`  ",
        f"Date: {m['date']}; machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}; "
        f"load average {m['load_average_at_start']} at the start, {m['load_average_at_end']} "
        f"at the end; the whole run took {results['total_seconds']} s.", "",
        f"Database: {results['database']}. Notices code at commit "
        f"`{(results['source'].get('git_head') or '')[:12]}` (sha256 "
        f"`{results['source']['notices_sha256']}`"
        f"{', with uncommitted changes' if results['source']['notices_uncommitted'] else ''}). "
        f"SMTP sink: {results['smtp_sink_note']}.",
        "", "## Against the target", "",
        f"- Sustained delivery with {first.get('workers')} workers to {target['sink']}: "
        f"{_n(first.get('sustained_per_s'))} msgs/s; target ≥ {target['per_s']}: "
        f"{'met' if target['met'] else 'NOT met'}.", "",
        "## Stages", "",
        "| stage | messages | seconds | per second | sustained/s | sink accepted |",
        "|---|---:|---:|---:|---:|---:|",
        f"| render (`templating.render_notice`) | {_n(q.get('messages'))} | "
        f"{_n(q.get('render_seconds'))} | {_n(q.get('render_per_s'))} | | |",
        f"| enqueue (`outbox.enqueue`, 1,000 per transaction) | {_n(q.get('messages'))} | "
        f"{_n(q.get('enqueue_seconds'))} | {_n(q.get('enqueue_per_s'))} | | |",
    ]  # fmt: skip
    notes = []
    for run in results["runs"]:
        d, b, sink = run["drain"], run["baseline"], run["sink"]
        lines.append(
            f"| drain to {sink} (`run_workers({d.get('workers')})`, batches of "
            f"{d.get('batch_size')}) | {_n(d.get('sent'))} | {_n(d.get('seconds'))} | "
            f"{_n(d.get('msgs_per_s'))} | {_n(d.get('sustained_per_s'))} | "
            f"{_n(d.get('sink_accepted'))} |"
        )
        if b:
            lines.append(
                f"| baseline to {sink}: smtplib loop, one session, no outbox | "
                f"{_n(b.get('sent'))} | {_n(b.get('seconds'))} | {_n(b.get('msgs_per_s'))} | "
                f"{_n(b.get('sustained_per_s'))} | {_n(b.get('sink_accepted'))} |"
            )
        distinct = f", {_n(d['distinct'])} distinct Message-IDs" if "distinct" in d else ""
        notes.append(
            f"- Drain to {sink}: {_n(d.get('sent'))} rows marked sent, the sink accepted "
            f"{_n(d.get('sink_accepted'))}{distinct}; {d.get('failed')} failed, "
            f"{d.get('retried')} retried, {d.get('lost')} leases lost."
        )
    lines += ["", *notes, ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``notices.json`` and ``notices.md`` under ``--results``."""
    args = parse_args(argv)
    results = run(args, argv)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "notices.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "notices.md").write_text(render(results))
    say(f"wrote {args.results / 'notices.md'} and notices.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
