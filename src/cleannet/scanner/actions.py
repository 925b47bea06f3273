"""What the CLI does about detected files: quarantine or delete them, only when asked.

Only file detections (hash, YARA, filename, archive) with a score of at least
``ACTION_MIN_SCORE`` lead to an action: a weak hint (a filename IOC scored 50) is reported,
never acted on, because removing a good file can break a computer. A detection inside an
archive acts on the archive file itself. Each file is acted on once; every detection of that
file then carries the action taken (or ``failed`` with the reason).

Processes follow the same rule: a ``process`` detection (``pid:1234``) scoring at least
``ACTION_MIN_SCORE`` may be ended, once per PID, and all its detections carry the outcome;
one the user chose to keep stays ``reported``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from cleannet.scanner.model import Action, Detection, DetectionKind

__all__ = [
    "ACTION_MIN_SCORE",
    "FILE_KINDS",
    "apply_file_action",
    "end_processes",
    "files_to_act_on",
    "outer_path",
    "processes_to_end",
]

ACTION_MIN_SCORE = 75
FILE_KINDS = frozenset(
    {DetectionKind.HASH, DetectionKind.YARA, DetectionKind.FILENAME, DetectionKind.ARCHIVE}
)


def outer_path(path: str) -> str:
    """The file on disk a detection lives in (``a.zip!b.exe`` → ``a.zip``)."""
    return path.split("!", 1)[0]


def files_to_act_on(detections: list[Detection], walked: Mapping[str, str | None]) -> list[str]:
    """The files (in ``walked``: path → SHA-256) with a detection strong enough to act on."""
    chosen: dict[str, None] = {}
    for item in detections:
        path = outer_path(item.path)
        if item.kind in FILE_KINDS and item.score >= ACTION_MIN_SCORE and path in walked:
            chosen[path] = None
    return list(chosen)


def apply_file_action(
    detections: list[Detection],
    walked: Mapping[str, str | None],
    act: Callable[[str, Detection], None],
    done: Action,
) -> list[Detection]:
    """Run ``act(path, detection)`` once per file to act on; return the updated detections.

    ``act`` receives the file's strongest detection, rewritten to name the file itself and
    its SHA-256, and raises ``Exception`` subclasses with a readable message on failure.
    """
    outcome: dict[str, tuple[Action, str]] = {}
    for path in files_to_act_on(detections, walked):
        strongest = max(
            (d for d in detections if outer_path(d.path) == path), key=lambda d: d.score
        )
        try:
            act(path, replace(strongest, path=path, sha256=walked[path]))
            outcome[path] = (done, "")
        except Exception as error:  # the message is shown; one failure must not stop the rest
            outcome[path] = (Action.FAILED, str(error))
    return [
        replace(d, action=outcome[p][0], error=outcome[p][1])
        if (p := outer_path(d.path)) in outcome
        else d
        for d in detections
    ]


def processes_to_end(detections: list[Detection]) -> list[int]:
    """The PIDs of ``process`` detections strong enough to act on, each once, in order."""
    chosen: dict[int, None] = {}
    for item in detections:
        number = item.path.removeprefix("pid:")
        strong = item.kind is DetectionKind.PROCESS and item.score >= ACTION_MIN_SCORE
        if strong and item.path.startswith("pid:") and number.isdigit():
            chosen[int(number)] = None
    return list(chosen)


def end_processes(detections: list[Detection], end: Callable[[int], bool]) -> list[Detection]:
    """Run ``end(pid)`` once per process to end; return the updated detections.

    ``end`` returns True when the process is gone, False when the user said no (the
    detections stay ``reported``), and raises with a readable message on failure.
    """
    outcome: dict[str, tuple[Action, str]] = {}
    for pid in processes_to_end(detections):
        try:
            if end(pid):
                outcome[f"pid:{pid}"] = (Action.PROCESS_ENDED, "")
        except Exception as error:  # shown to the user; one failure must not stop the rest
            outcome[f"pid:{pid}"] = (Action.FAILED, str(error))
    return [
        replace(d, action=outcome[d.path][0], error=outcome[d.path][1])
        if d.path in outcome and d.kind is DetectionKind.PROCESS
        else d
        for d in detections
    ]
