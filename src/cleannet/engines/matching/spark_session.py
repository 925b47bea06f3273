"""The one Spark session a process uses for matching: UTC, quiet, sized from the job.

Spark starts a JVM once per process and keeps it: the settings that only a JVM start reads
(master, driver memory, logging) come from the first job; later jobs reuse that session and
only change the SQL settings. Spark spills into ``spark.local.dir``, the job's work
directory; when a later job comes after that directory was removed (a worker that matches
in a fresh temporary directory each time), the SparkContext is restarted there, on the same
JVM. The JVM's own console output (log4j, the JDK's warnings) goes to ``spark-jvm.log`` in
the first work directory, not to the terminal.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from pyspark import SparkConf, SparkContext
from pyspark.java_gateway import launch_gateway
from pyspark.sql import SparkSession

__all__ = ["driver_memory", "local_master", "spark_session"]

SQL_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    # The tables after the indicator join are small; the default 200 partitions would
    # spend most of the time scheduling empty tasks.
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.adaptive.enabled": "true",
}

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss} %p %c{1}: %m%n
"""

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(I?B)?\s*", re.IGNORECASE)
_MEBIBYTES = {"": 1 / 2**20, "K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}


def local_master(threads: int) -> str:
    """Return the ``local[N]`` master for ``threads`` (at least one)."""
    return f"local[{max(1, threads)}]"


def driver_memory(limit: str) -> str:
    """Return a memory limit such as "2GB", "1.5GiB" or "512MB" as Spark's "<n>m".

    Raises ``ValueError`` naming the value when it is not a size.
    """
    match = _SIZE.fullmatch(limit)
    if match is None:
        raise ValueError(f"memory limit {limit!r} is not a size such as '2GB' or '512MB'")
    number, unit = float(match.group(1)), match.group(2).upper()
    return f"{max(1, int(number * _MEBIBYTES[unit]))}m"


def _spark_conf(master: str, memory_limit: str, work_dir: Path) -> SparkConf:
    log_config = work_dir / "spark-log4j2.properties"
    log_config.write_text(_LOG4J2, encoding="utf-8")
    java_options = f"-Dlog4j2.configurationFile={log_config.as_uri()} -Duser.timezone=UTC"
    conf = SparkConf().setMaster(master).setAppName("cleannet-match")
    conf.set("spark.driver.memory", driver_memory(memory_limit))
    conf.set("spark.local.dir", str(work_dir))
    conf.set("spark.driver.extraJavaOptions", java_options)
    conf.set("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    conf.set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    for key, value in SQL_SETTINGS.items():
        conf.set(key, value)
    return conf


def _start_context(master: str, memory_limit: str, work_dir: Path | None) -> None:
    """Start a SparkContext spilling into ``work_dir`` (a new temporary directory if None),
    and the JVM first if none runs, its console output in ``spark-jvm.log`` there."""
    directory = work_dir or Path(tempfile.mkdtemp(prefix="cleannet-spark-"))
    directory.mkdir(parents=True, exist_ok=True)
    conf = _spark_conf(master, memory_limit, directory)
    if SparkContext._gateway is not None:
        SparkContext(conf=conf).setLogLevel("ERROR")
        return
    log_path = directory / "spark-jvm.log"
    # The JVM keeps its own copy of the file descriptor; ours can close once it has started.
    with log_path.open("ab") as jvm_log:
        try:
            # pyspark leaves launch_gateway without annotations.
            gateway = launch_gateway(  # type: ignore[no-untyped-call]
                conf, popen_kwargs={"stdout": jvm_log, "stderr": subprocess.STDOUT}
            )
        except Exception as error:
            raise RuntimeError(f"Spark did not start; its output is in {log_path}") from error
    SparkContext(conf=conf, gateway=gateway).setLogLevel("ERROR")


def _running_context() -> SparkContext | None:
    """Return the running SparkContext, stopped and None if its spill directory is gone."""
    context = SparkContext._active_spark_context
    if context is None:
        return None
    local_dir = context.getConf().get("spark.local.dir")
    if local_dir is None or Path(local_dir).is_dir():
        return context
    context.stop()
    return None


def spark_session(master: str, memory_limit: str, work_dir: Path | None) -> SparkSession:
    """Return the process's Spark session, starting it on ``master`` if none runs yet (or
    its spill directory is gone).

    The session's SQL settings (UTC, few shuffle partitions) are set on every call.
    Raises ``ValueError`` for a memory limit that is not a size, ``RuntimeError`` when the
    JVM does not start (no Java, say).
    """
    driver_memory(memory_limit)  # refused on every call, not only when the JVM starts
    if _running_context() is None:
        _start_context(master, memory_limit, work_dir)
    session = SparkSession.builder.getOrCreate()
    for key, value in SQL_SETTINGS.items():
        session.conf.set(key, value)
    return session
