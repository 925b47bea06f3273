"""Passwords for the demo users: generated once, kept in a private file under ``var/``.

The world never holds passwords. The first ``cleannet demo`` generates one per demo user
and stores them (mode 0600) so that every later run prints the same logins.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cleannet.server.accounts.models import User
from cleannet.server.accounts.services import set_password
from cleannet.server.demo.world_model import DemoUser

LOGINS_FILE = "demo-logins.json"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str


def _logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILE


def _read_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2, sort_keys=True)


def demo_passwords(users: Iterable[DemoUser]) -> dict[str, str]:
    """Return each demo user's password: the stored one, or a new random one (then stored)."""
    path = _logins_path()
    passwords = _read_passwords(path)
    for demo_user in users:
        passwords.setdefault(demo_user.username, secrets.token_urlsafe(12))
    _write_passwords(path, passwords)
    return passwords


def ensure_demo_logins(users: Iterable[DemoUser], passwords: dict[str, str]) -> list[DemoLogin]:
    """Make each demo user's password the one in ``passwords``; return the logins to print.

    Users missing from the database (or from ``passwords``) are skipped.
    """
    logins = []
    for demo_user in users:
        user = User.objects.filter(username=demo_user.username).select_related("organisation")
        found = user.first()
        password = passwords.get(demo_user.username)
        if found is None or password is None:
            continue
        if not found.check_password(password):
            set_password(None, found, password)
        logins.append(DemoLogin(found.username, password, found.role, found.organisation.name))
    return logins
