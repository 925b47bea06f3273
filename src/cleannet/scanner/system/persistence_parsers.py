"""Reading autostart entries: which command each persistence place starts, and which files.

Pure functions over text (no file system): crontab lines (system and user formats), systemd
unit ``Exec*=`` lines, XDG ``.desktop`` ``Exec=``, shell start-up lines, macOS launchd plists,
Windows scheduled-task XML. ``command_paths`` picks the files a command names: its program
and every absolute path among its arguments (``~`` and ``$HOME`` mean ``home``). A bare
program name (``run-parts``) is left alone: it resolves through PATH to system files.
"""

from __future__ import annotations

import plistlib
import re
import shlex
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "AutostartEntry",
    "command_paths",
    "crontab_commands",
    "desktop_commands",
    "plist_commands",
    "shell_commands",
    "systemd_commands",
    "task_xml_commands",
]

_ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*=")
_SYSTEMD_EXEC = re.compile(r"(Exec(?:Start|StartPre|StartPost|Reload|Stop|StopPost|Condition))=")
_DESKTOP_FIELD_CODE = re.compile(r"%[fFuUdDnNickvm]")
_WINDOWS_ABSOLUTE = re.compile(r"(?:[A-Za-z]:\\|\\\\|%[A-Za-z_]+%\\)")
_UNSAFE_TOKEN = re.compile(r"[*?$`(){}]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True, slots=True)
class AutostartEntry:
    """One command a persistence place starts; ``place`` is ``file:line`` or a registry key."""

    place: str
    command: str
    paths: tuple[str, ...]


def _split(command: str, windows: bool) -> list[str]:
    try:
        tokens = shlex.split(command, posix=not windows)
    except ValueError:
        tokens = command.split()
    return [token.strip('"') for token in tokens] if windows else tokens


def _path_of(token: str, home: str | None, windows: bool) -> str | None:
    value = token.split("=", 1)[1] if token.startswith("-") and "=" in token else token
    value = value.lstrip("(").rstrip(";&|)")
    if windows:
        return value if _WINDOWS_ABSOLUTE.match(value) else None
    if home is not None:
        for prefix in ("~/", "$HOME/", "${HOME}/"):
            if value.startswith(prefix):
                value = f"{home.rstrip('/')}/{value[len(prefix) :]}"
    if not value.startswith("/") or _UNSAFE_TOKEN.search(value) or value == "/":
        return None
    return value


def command_paths(
    command: str, *, home: str | None = None, windows: bool = False
) -> tuple[str, ...]:
    """The absolute file paths ``command`` names (program first), each once."""
    found: list[str] = []
    for token in _split(command, windows):
        path = _path_of(token, home, windows)
        if path is not None and path not in found:
            found.append(path)
    return tuple(found)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with their 1-based number; a trailing backslash joins the next line."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def _cron_command(line: str, system: bool) -> str | None:
    if line.startswith("@"):
        parts = line.split(None, 2 if system else 1)
        fields = 1
    else:
        parts = line.split(None, 6 if system else 5)
        fields = 5
    if system:
        fields += 1  # the user the command runs as
    if len(parts) <= fields:
        return None
    command = parts[fields]
    # An unescaped % ends the command (the rest is its standard input).
    match = re.search(r"(?<!\\)%", command)
    return command[: match.start()].strip() if match else command.strip()


def crontab_commands(
    text: str, source: str, *, system: bool, home: str | None = None
) -> list[AutostartEntry]:
    """Commands of a crontab; ``system`` for /etc/crontab and /etc/cron.d (a user field)."""
    entries = []
    for number, raw in _logical_lines(text):
        line = raw.strip()
        if not line or line.startswith("#") or _ENV_ASSIGNMENT.match(line):
            continue
        command = _cron_command(line, system)
        if command:
            entries.append(
                AutostartEntry(f"{source}:{number}", command, command_paths(command, home=home))
            )
    return entries


def systemd_commands(text: str, source: str, *, home: str | None = None) -> list[AutostartEntry]:
    """The ``Exec*=`` commands of a systemd unit (prefixes ``-@:+!`` removed)."""
    entries = []
    for number, raw in _logical_lines(text):
        line = raw.strip()
        match = _SYSTEMD_EXEC.match(line)
        if not match:
            continue
        command = line[match.end() :].lstrip("-@:+!").strip()
        if command:
            entries.append(
                AutostartEntry(f"{source}:{number}", command, command_paths(command, home=home))
            )
    return entries


def desktop_commands(text: str, source: str, *, home: str | None = None) -> list[AutostartEntry]:
    """The ``Exec=`` command of an XDG autostart ``.desktop`` file (field codes removed)."""
    entries = []
    section = ""
    for number, raw in _logical_lines(text):
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section == "[Desktop Entry]" and line.startswith("Exec="):
            command = _DESKTOP_FIELD_CODE.sub("", line[len("Exec=") :]).strip()
            if command:
                entries.append(
                    AutostartEntry(f"{source}:{number}", command, command_paths(command, home=home))
                )
    return entries


def shell_commands(text: str, source: str, *, home: str | None = None) -> list[AutostartEntry]:
    """Every command line of a shell start-up file that names an absolute path.

    Lines without a path are only matched against filename IOCs by the caller: returning
    them all would flood the report with ``alias`` and ``export`` lines.
    """
    entries = []
    for number, raw in _logical_lines(text):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        paths = command_paths(line, home=home)
        entries.append(AutostartEntry(f"{source}:{number}", line, paths))
    return entries


def plist_commands(data: bytes, source: str) -> list[AutostartEntry]:
    """The program a launchd plist starts (``ProgramArguments`` or ``Program``).

    Raises ``ValueError`` for a file that is not a property list.
    """
    try:
        plist = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError) as exc:
        raise ValueError(f"not a property list: {exc}") from None
    if not isinstance(plist, dict):
        return []
    arguments = plist.get("ProgramArguments")
    program = plist.get("Program")
    words = [str(word) for word in arguments] if isinstance(arguments, list) else []
    if isinstance(program, str) and (not words or words[0] != program):
        words.insert(0, program)
    if not words:
        return []
    command = shlex.join(words)
    paths = tuple(dict.fromkeys(w for w in words if w.startswith("/") and w != "/"))
    return [AutostartEntry(source, command, paths)]


def task_xml_commands(data: bytes, source: str) -> list[AutostartEntry]:
    """The ``Exec`` actions of a Windows scheduled task (Task Scheduler XML, UTF-16 or 8).

    Raises ``ValueError`` for a file that is not task XML.
    """
    text = _xml_text(data)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("task XML with a DTD or entities is refused (entity expansion)")
    try:
        # No DTD can be left (checked above), so no entity expansion or external fetch.
        root = ElementTree.fromstring(_XML_DECLARATION.sub("", text, count=1))  # noqa: S314
    except ElementTree.ParseError as exc:
        raise ValueError(f"not task XML: {exc}") from None
    entries = []
    for element in root.iter():
        if _local(element.tag) != "Exec":
            continue
        parts = {_local(child.tag): (child.text or "").strip() for child in element}
        program = parts.get("Command", "")
        if not program:
            continue
        arguments = parts.get("Arguments", "")
        command = f'"{program}" {arguments}'.strip()
        # The program is a file whatever its spelling; arguments only when drive-absolute.
        paths = (program, *command_paths(arguments, windows=True))
        entries.append(AutostartEntry(source, command, tuple(dict.fromkeys(paths))))
    return entries


def _xml_text(data: bytes) -> str:
    """Decode task XML: UTF-16 with a BOM (as Windows writes it), else UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
