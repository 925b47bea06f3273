"""The IntelMQ side of ``bench/ingest.py``: IntelMQ's own Shadowserver parser on the same file.

Two halves in one file, because they run in two interpreters:

* ``setup()`` and ``measure()`` run in the project's venv. ``setup()`` makes a virtualenv
  of its own for IntelMQ under ``var/bench/intelmq-venv`` (never the project's ``.venv``:
  IntelMQ pins its own ``redis``, ``dnspython`` … and is AGPL; the bench only runs it) and an
  IntelMQ root under ``var/bench/intelmq-root`` holding ``etc/harmonization.conf`` (copied from
  the installed package) and ``var/lib/bots/shadowserver-schema.json``, which is where the
  Shadowserver parser looks for the schema (``_config.py``: ``VAR_STATE_PATH`` +
  ``shadowserver-schema.json``, with ``VAR_STATE_PATH`` = ``$INTELMQ_ROOT_DIR/var/lib/bots/``).
  There is no internet here, so instead of ``--update-schema`` we copy the published schema
  that CleanNet ships (byte-identical to ``interchange.shadowserver.org/intelmq/v1/schema``).
* ``driver()`` runs inside the IntelMQ venv (``python bench/ingest_intelmq.py driver …``)
  and imports only the standard library and ``intelmq``. It runs the bot in IntelMQ 3.x
  *library mode* (``settings=BotLibSettings``: in-process list pipelines, no Redis;
  ``bot.process_message(report)``), fed the way the file collector feeds it: reports made by
  ``intelmq.lib.splitreports.generate_reports`` (one report with the whole prefix by
  default, as the collector does without ``chunk_size``). Library mode skips the JSON
  serialisation that a Redis pipeline does per event, which flatters IntelMQ; that cost is
  timed separately and reported beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

INTELMQ_REQUIREMENT = "intelmq==3.5.0"
"""Pinned so the figures name one version; 3.5.0 is the current 3.x release on PyPI."""

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "var" / "bench" / "intelmq-venv"
INTELMQ_ROOT = ROOT / "var" / "bench" / "intelmq-root"
SCHEMA_CANDIDATES = (
    ROOT / "src/cleannet/engines/feeds/formats/data/shadowserver-intelmq.json",
    ROOT.parent / "shared/formats/shadowserver-intelmq-mapping.json",
)
FEED_NAME = "Shadowserver Sinkhole-Events IPv4"


def venv_python(venv: Path = VENV) -> Path:
    """Return the interpreter of the IntelMQ virtualenv."""
    return venv / "bin" / "python"


def setup(log=print) -> Path:
    """Make the IntelMQ venv and root on first use; return the venv's python."""
    python = venv_python()
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.read_text().strip() != INTELMQ_REQUIREMENT:
        log(f"IntelMQ: creating {VENV.relative_to(ROOT)} and installing {INTELMQ_REQUIREMENT}")
        # The commands below are built from this file's own constants and paths.
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)  # noqa: S603
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        # IntelMQ 3.5 imports pkg_resources, which setuptools 81 drops.
        subprocess.run([*pip, INTELMQ_REQUIREMENT, "setuptools<81"], check=True)  # noqa: S603
        stamp.write_text(INTELMQ_REQUIREMENT + "\n")
    prepare_root(python)
    return python


def prepare_root(python: Path) -> None:
    """Lay out the IntelMQ root: harmonization config and the Shadowserver schema."""
    package = subprocess.run(  # noqa: S603
        [str(python), "-c", "import intelmq, os; print(os.path.dirname(intelmq.__file__))"],
        check=True, capture_output=True, text=True, env=intelmq_env(),
    ).stdout.strip()  # fmt: skip
    (INTELMQ_ROOT / "etc").mkdir(parents=True, exist_ok=True)
    (INTELMQ_ROOT / "var/lib/bots").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        Path(package) / "etc/harmonization.conf", INTELMQ_ROOT / "etc/harmonization.conf"
    )
    schema = next((p for p in SCHEMA_CANDIDATES if p.is_file()), None)
    if schema is None:
        raise FileNotFoundError(f"no Shadowserver IntelMQ schema in {SCHEMA_CANDIDATES}")
    shutil.copyfile(schema, INTELMQ_ROOT / "var/lib/bots/shadowserver-schema.json")


def intelmq_env() -> dict[str, str]:
    """Return the environment that points IntelMQ at our root (not /opt/intelmq)."""
    return {**os.environ, "INTELMQ_ROOT_DIR": str(INTELMQ_ROOT) + "/"}


def measure(python: Path, csv_path: Path, rows: int, chunk_bytes: int, log_path: Path) -> dict:
    """Run the driver once in its own process pinned to core 0; return its figures.

    IntelMQ logs to stdout and stderr (a traceback per refused row), so both go to
    ``log_path`` and the figures come back through a file of their own.
    """
    result = log_path.with_suffix(".result.json")
    command = [str(python), str(Path(__file__).resolve()), "driver", str(csv_path), str(rows)]
    command += [str(chunk_bytes), str(result)]
    with log_path.open("a") as log:
        subprocess.run(command, check=True, stdout=log, stderr=log, env=intelmq_env())  # noqa: S603
    return json.loads(result.read_text())


# ---- the driver: runs in the IntelMQ venv; standard library and intelmq only ----


def read_prefix(csv_path: str, rows: int) -> bytes:
    """Return the header and the first ``rows`` rows of the file, as the collector reads bytes."""
    with open(csv_path, "rb") as handle:
        lines = [handle.readline() for _ in range(rows + 1)]
    return b"".join(lines)


def make_reports(bot, csv_path: str, data: bytes, chunk_bytes: int) -> list:
    """Return the report messages the file collector would send for ``data``."""
    import io

    from intelmq.lib.message import Report
    from intelmq.lib.splitreports import generate_reports

    template = Report(harmonization=bot.harmonization)
    template.add("feed.name", FEED_NAME)
    template.add("feed.url", f"file://localhost{os.path.abspath(csv_path)}")
    template.add("extra.file_name", os.path.basename(csv_path))
    return list(generate_reports(template, io.BytesIO(data), chunk_bytes or None, True))


def run_bot(bot, reports: list) -> dict:
    """Parse every report; time parsing, then (separately) the per-event serialisation."""
    import time

    parse_s = parse_cpu_s = serialise_s = 0.0
    events = refused = 0
    for report in reports:
        start, cpu = time.perf_counter(), time.process_time()
        state = bot.process_message(report)
        parse_s += time.perf_counter() - start
        parse_cpu_s += time.process_time() - cpu
        events += len(state["output"])
        refused += len(state.get("error", []))  # one dumped report per refused row
        start = time.perf_counter()
        for event in state["output"]:
            event.serialize()  # what the Redis pipeline does to every event it sends on
        serialise_s += time.perf_counter() - start
    return {"events": events, "refused": refused, "parse_s": parse_s, "parse_cpu_s": parse_cpu_s,
            "serialise_s": serialise_s}  # fmt: skip


def driver(csv_path: str, rows: int, chunk_bytes: int) -> dict:
    """Measure IntelMQ's Shadowserver parser on the first ``rows`` rows of ``csv_path``."""
    import resource

    import intelmq
    from intelmq.bots.parsers.shadowserver.parser import ShadowserverParserBot
    from intelmq.lib.bot import BotLibSettings

    os.sched_setaffinity(0, {0})  # one core, like the CleanNet runs
    settings = BotLibSettings | {"logging_level": "INFO"}  # INFO is IntelMQ's release default
    bot = ShadowserverParserBot("shadowserver-parser", settings=settings)
    data = read_prefix(csv_path, rows)
    reports = make_reports(bot, csv_path, data, chunk_bytes)
    figures = run_bot(bot, reports)
    figures |= {"rows": data.count(b"\n") - 1, "reports": len(reports), "input_bytes": len(data)}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["peak_rss_kib"] = usage.ru_maxrss
    figures["preempted"] = usage.ru_nivcsw  # involuntary context switches (other tenants)
    figures["intelmq_version"] = intelmq.__version__
    figures["python"] = sys.version.split()[0]
    return figures


if __name__ == "__main__" and sys.argv[1:2] == ["driver"]:
    figures = driver(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    Path(sys.argv[5]).write_text(json.dumps(figures))
