"""What ``cleannet-scan`` says to people, in Vietnamese and English.

The scanner runs without Django, so its few sentences live here rather than in the gettext
catalogues. Only the human side is translated (the summary, the progress line, questions and
notes on the terminal); the JSON report, its codes (``hash``, ``quarantined``,
``permission-denied``) and error details stay English and stable.

Both languages have the same keys and the same ``{placeholders}`` (a test holds them equal);
numbers are formatted by the caller, so placeholders carry no format specs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["LANGUAGES", "MESSAGES", "Messages", "is_yes", "language_from_environment"]

LANGUAGES = ("vi", "en")

_EN = {
    # The human summary.
    "found": "{path}: {name} FOUND ({kind}, {action})",
    "action_error": " — {error}",
    "more_detections": "… and {count} more detections",
    "not_scanned": "{path}: NOT SCANNED ({reason}) {detail}",
    "more_not_scanned": "… and {count} more not scanned (see --json)",
    "summary_title": "----------- SCAN SUMMARY -----------",
    "bundle": "Signature bundle: {version}",
    "local_files": "local files",
    "scanned_files": "Scanned files: {files} (archives: {archives})",
    "data_scanned": "Data scanned: {size} in {seconds} s ({speed} MiB/s)",
    "detections": "Detections: {count}",
    "not_scanned_total": "Not scanned: {count} (errors: {errors})",
    # The progress line (after the bar and the percentage).
    "progress": "{files}/{total} files {rate} MiB/s ETA {eta}",
    # Questions and notes on the terminal.
    "delete_title": "Delete these {count} files for good?",
    "delete_prompt": "Type '{word}' to delete: ",
    "delete_word": "yes",
    "end_process_prompt": "End process {pid} ({exe})? [y/N] ",
    "unknown_exe": "executable unknown",
    "end_process_unasked": (
        "{count} detected processes left running: nobody can confirm here (add --yes to end them)"
    ),
    "upload_sent": "Report sent to {url} (receipt {receipt}).",
    "upload_failed": "The report was not sent to {url}: {reason}",
    # Managing the quarantine (--list-quarantine, --restore, --purge-quarantine).
    "q_id": "ID",
    "q_when": "Quarantined at (UTC)",
    "q_size": "Size",
    "q_detection": "Detection",
    "q_sha256": "SHA-256",
    "q_path": "Original path",
    "q_empty": "The quarantine {directory} holds no files.",
    "q_count": "Files in the quarantine {directory}: {count}.",
    "q_unreadable": "Unreadable entry, left as it is: {problem}",
    "q_restore_prompt": "Restore {path} (detected as {name})? [y/N] ",
    "q_purge_prompt": "Delete {path} (detected as {name}) from the quarantine for good? [y/N] ",
    "q_restored": "Entry {id} restored to {path}.",
    "q_purged": "Entry {id} ({path}) deleted for good.",
    "q_restore_refused": "Entry {id} not restored: {reason}",
    "q_purge_refused": "Entry {id} not deleted: {reason}",
    "q_nobody": "nobody can confirm here (add --yes)",
    "q_declined": "you answered no",
    "q_occupied": "{path} already exists (add --overwrite to replace it)",
    "q_unknown": "unknown: unreadable manifest",
}

_VI = {
    "found": "{path}: PHÁT HIỆN {name} ({kind}, {action})",
    "action_error": " — {error}",
    "more_detections": "… và {count} phát hiện khác",
    "not_scanned": "{path}: KHÔNG QUÉT ĐƯỢC ({reason}) {detail}",
    "more_not_scanned": "… và {count} mục khác không quét được (xem --json)",
    "summary_title": "----------- TÓM TẮT KẾT QUẢ QUÉT -----------",
    "bundle": "Gói mẫu nhận diện: {version}",
    "local_files": "tệp mẫu trên máy",
    "scanned_files": "Số tệp đã quét: {files} (tệp nén: {archives})",
    "data_scanned": "Dữ liệu đã quét: {size} trong {seconds} giây ({speed} MiB/s)",
    "detections": "Số phát hiện: {count}",
    "not_scanned_total": "Không quét được: {count} (lỗi: {errors})",
    "progress": "{files}/{total} tệp {rate} MiB/s còn {eta}",
    "delete_title": "Xoá vĩnh viễn {count} tệp này?",
    "delete_prompt": "Gõ '{word}' để xoá: ",
    "delete_word": "có",
    "end_process_prompt": "Dừng tiến trình {pid} ({exe})? [c/K] ",
    "unknown_exe": "không rõ tệp chạy",
    "end_process_unasked": (
        "{count} tiến trình bị phát hiện vẫn chạy: không có ai xác nhận tại đây "
        "(thêm --yes để dừng chúng)"
    ),
    "upload_sent": "Đã gửi báo cáo tới {url} (mã nhận {receipt}).",
    "upload_failed": "Chưa gửi được báo cáo tới {url}: {reason}",
    "q_id": "Mã",
    "q_when": "Cách ly lúc (UTC)",
    "q_size": "Cỡ",
    "q_detection": "Phát hiện",
    "q_sha256": "SHA-256",
    "q_path": "Đường dẫn gốc",
    "q_empty": "Kho cách ly {directory} không có tệp nào.",
    "q_count": "Số tệp trong kho cách ly {directory}: {count}.",
    "q_unreadable": "Mục không đọc được, để nguyên: {problem}",
    "q_restore_prompt": "Khôi phục {path} (bị phát hiện là {name})? [c/K] ",
    "q_purge_prompt": "Xoá vĩnh viễn {path} (bị phát hiện là {name}) khỏi kho cách ly? [c/K] ",
    "q_restored": "Đã khôi phục mục {id} về {path}.",
    "q_purged": "Đã xoá vĩnh viễn mục {id} ({path}).",
    "q_restore_refused": "Không khôi phục mục {id}: {reason}",
    "q_purge_refused": "Không xoá mục {id}: {reason}",
    "q_nobody": "không có ai xác nhận tại đây (thêm --yes)",
    "q_declined": "bạn đã trả lời không",
    "q_occupied": "{path} đã có (thêm --overwrite để thay thế)",
    "q_unknown": "không rõ: không đọc được bản kê",
}

MESSAGES: Mapping[str, Mapping[str, str]] = {"en": _EN, "vi": _VI}

# Answers that mean yes to a [y/N] question, in either language ("có" typed with or
# without its accent).
_YES = frozenset({"y", "yes", "c", "co", "có"})


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``"vi"`` when the locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``) starts
    with ``vi``; ``"en"`` otherwise. The first variable that is set and not empty decides,
    as POSIX does."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


def is_yes(answer: str) -> bool:
    """True when ``answer`` says yes (``y``, ``yes``, ``c``, ``có``), in any case."""
    return answer.strip().lower() in _YES


class Messages:
    """The sentences of one language: ``say("detections", count=3)``.

    An unknown language falls back to English; an unknown key raises ``KeyError``.
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang if lang in MESSAGES else "en"
        self._table = MESSAGES[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        return self._table[key].format(**values)
