"""The free tools page: the published downloads with size and SHA-256, served safely."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from django.test import override_settings

from cleannet.server.selfcheck import downloads

WHEEL = "cleannet-0.1.0-py3-none-any.whl"
CONTENT = b"PK\x03\x04 not really a wheel"


@pytest.fixture
def published(tmp_path: Path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / WHEEL).write_bytes(CONTENT)
    (folder / ".hidden").write_bytes(b"secret")
    (tmp_path / "outside.txt").write_bytes(b"outside")
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    (folder / "subdir").mkdir()
    with override_settings(CLEANNET_DOWNLOADS_DIR=str(folder)):
        yield folder


def test_it_lists_each_file_with_its_size_and_sha256(client, published) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/tools/").content.decode()
    assert WHEEL in page
    assert hashlib.sha256(CONTENT).hexdigest() in page
    assert f"pip install ./{WHEEL}" in page
    assert ".hidden" not in page and "link.txt" not in page and "subdir" not in page


def test_it_links_the_online_checks_and_the_guides(client, published) -> None:
    page = client.get("/tools/").content.decode()
    for link in ('href="/scan/"', 'href="/leaks/"', 'href="/brands/check/"', 'href="/check-ip/"'):
        assert link in page
    assert "cleannet-scan" in page


def test_it_serves_a_published_file_as_an_attachment(client, published) -> None:
    response = client.get(f"/tools/downloads/{WHEEL}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert WHEEL in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == CONTENT


@pytest.mark.parametrize(
    "name", [".hidden", "link.txt", "subdir", "..%2Foutside.txt", "%2E%2E", "missing.whl"]
)
def test_it_answers_404_to_anything_but_a_published_file(client, published, name) -> None:
    assert client.get(f"/tools/downloads/{name}").status_code == 404


def test_it_never_joins_a_traversing_name_to_the_folder(published) -> None:
    assert downloads.find_download("../outside.txt") is None
    assert downloads.find_download("/etc/passwd") is None
    assert downloads.find_download(WHEEL) == (published / WHEEL).resolve()


def test_it_says_nothing_is_published_when_the_folder_is_missing(client, tmp_path) -> None:
    with override_settings(CLEANNET_DOWNLOADS_DIR=str(tmp_path / "absent")):
        response = client.get("/tools/")
        assert response.status_code == 200
        assert "pip install cleannet" in response.content.decode()
        assert client.get(f"/tools/downloads/{WHEEL}").status_code == 404


def test_it_computes_a_checksum_again_only_when_the_file_changes(published, monkeypatch) -> None:
    first = downloads.list_downloads()[0].sha256
    changed = hashlib.sha256(CONTENT + b"!").hexdigest()
    calls = []
    real = hashlib.sha256
    monkeypatch.setattr(downloads.hashlib, "sha256", lambda: calls.append(1) or real())
    assert downloads.list_downloads()[0].sha256 == first
    assert calls == []
    (published / WHEEL).write_bytes(CONTENT + b"!")
    os.utime(published / WHEEL, ns=(1, 1))
    assert downloads.list_downloads()[0].sha256 == changed
    assert calls == [1]


def test_it_defaults_to_the_downloads_folder_under_var(settings) -> None:
    settings.CLEANNET_DOWNLOADS_DIR = None
    assert downloads.downloads_dir() == Path(settings.VAR_DIR) / "downloads"
