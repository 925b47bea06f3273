"""ISP-node matching: logs × indicators → findings attributed to subscribers.

Pure (no Django, no database). Readers (``logs``, ``leases``, ``indicators``) turn each
input format into the canonical Arrow tables of ``schema``; an engine (``engine``: DuckDB
or Spark) joins them into findings, daily counts and the unattributed report.
"""

from cleannet.engines.matching.engine import ENGINES, Engine, UnknownEngine, get_engine
from cleannet.engines.matching.output import finish_table, read_table, write_table
from cleannet.engines.matching.schema import (
    CGNAT_BLOCK,
    DAILY_COUNT,
    FINDING,
    HUB_EVENT,
    INDICATOR,
    LEASE,
    LOG_RECORD,
    SORT_KEYS,
    UNATTRIBUTED,
    BadLine,
    IndicatorKind,
    MatchJob,
    MatchResult,
    ReadSummary,
    RecordKind,
)

__all__ = [
    "CGNAT_BLOCK",
    "DAILY_COUNT",
    "ENGINES",
    "FINDING",
    "HUB_EVENT",
    "INDICATOR",
    "LEASE",
    "LOG_RECORD",
    "SORT_KEYS",
    "UNATTRIBUTED",
    "BadLine",
    "Engine",
    "IndicatorKind",
    "MatchJob",
    "MatchResult",
    "ReadSummary",
    "RecordKind",
    "UnknownEngine",
    "finish_table",
    "get_engine",
    "read_table",
    "write_table",
]
