"""Password ranges exported as static files answer what the range API answers."""

from __future__ import annotations

import hashlib

import pytest

from cleannet.server.leaks import services

pytestmark = pytest.mark.django_db

SHA1_123456 = hashlib.sha1(b"123456", usedforsecurity=False).hexdigest().upper()


def test_it_writes_the_ranges_the_api_answers(client, breaches, tmp_path) -> None:
    first = int(SHA1_123456[:5], 16) - 8  # sixteen ranges around the one of "123456"
    done: list[tuple[int, int]] = []

    folders = services.export_password_ranges(
        tmp_path, prefixes=range(first, first + 16), progress=lambda *d: done.append(d)
    )

    assert [f.name for f in folders] == ["password_sha1", "password_ntlm"]
    exported = (folders[0] / f"{SHA1_123456[:5]}.txt").read_bytes()
    assert exported == client.get(f"/range/{SHA1_123456[:5]}").content
    assert f"{SHA1_123456[5:]}:6".encode() in exported
    assert (folders[0] / f"{first:05X}.txt").read_bytes() == b""  # empty, yet there
    assert len(list(folders[0].iterdir())) == len(list(folders[1].iterdir())) == 16
    assert done[-1] == (16, 16)
