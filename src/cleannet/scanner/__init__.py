"""The free scanner (``cleannet-scan``): files, archives, processes, connections and
persistence places against signed national signatures. Depends on ``cleannet.core`` only.
"""

from cleannet.scanner.model import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    Action,
    Detection,
    DetectionKind,
    ScanReport,
    Totals,
    Unscanned,
    UnscannedReason,
)

__all__ = [
    "EXIT_CLEAN",
    "EXIT_ERROR",
    "EXIT_FOUND",
    "Action",
    "Detection",
    "DetectionKind",
    "ScanReport",
    "Totals",
    "Unscanned",
    "UnscannedReason",
]
