"""Walking paths: files once, symlink loops, special files, unreadable folders, limits."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from cleannet.scanner.model import Unscanned, UnscannedReason
from cleannet.scanner.walker import FileTask, walk


def tree(root: Path) -> Path:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("1")
    (root / "a" / "b" / "two.txt").write_text("22")
    return root


def split(items: list[FileTask | Unscanned]) -> tuple[set[str], list[Unscanned]]:
    files = {i.path for i in items if isinstance(i, FileTask)}
    return files, [i for i in items if isinstance(i, Unscanned)]


def test_it_yields_every_file_with_its_size(tmp_path: Path) -> None:
    items = list(walk([tree(tmp_path)]))
    assert sorted((i.path, i.size) for i in items if isinstance(i, FileTask)) == [
        (f"{tmp_path}/a/b/two.txt", 2),
        (f"{tmp_path}/a/one.txt", 1),
    ]


def test_a_symlink_back_to_a_parent_is_a_loop_not_an_endless_walk(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    files, unscanned = split(list(walk([tmp_path])))
    assert len(files) == 2
    assert [(u.path, u.reason) for u in unscanned] == [
        (f"{tmp_path}/a/b/up", UnscannedReason.SYMLINK_LOOP)
    ]


def test_links_that_point_at_each_other_are_a_loop(tmp_path: Path) -> None:
    (tmp_path / "x").symlink_to(tmp_path / "y")
    (tmp_path / "y").symlink_to(tmp_path / "x")
    _, unscanned = split(list(walk([tmp_path])))
    assert {u.reason for u in unscanned} == {UnscannedReason.SYMLINK_LOOP}
    assert len(unscanned) == 2


def test_a_file_reached_twice_is_scanned_once(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "link.txt").symlink_to(tmp_path / "a" / "one.txt")
    os.link(tmp_path / "a" / "b" / "two.txt", tmp_path / "hard.txt")
    files, unscanned = split(list(walk([tmp_path, tmp_path / "a"])))
    assert len(files) == 2 and unscanned == []


def test_fifos_and_sockets_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        _, unscanned = split(list(walk([tmp_path])))
    finally:
        server.close()
    assert sorted((Path(u.path).name, u.reason, u.detail) for u in unscanned) == [
        ("pipe", UnscannedReason.SPECIAL_FILE, "a FIFO is not read"),
        ("sock", UnscannedReason.SPECIAL_FILE, "a socket is not read"),
    ]


def test_a_missing_path_and_a_dangling_link_are_reported(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    items = list(walk([tmp_path / "missing", tmp_path]))
    assert [(Path(i.path).name, i.reason) for i in items if isinstance(i, Unscanned)] == [
        ("missing", UnscannedReason.NOT_FOUND),
        ("dangling", UnscannedReason.NOT_FOUND),
    ]


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path)
    real_scandir = os.scandir
    locked = str(tmp_path / "a" / "b")

    def refusing_scandir(path: str) -> object:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    files, unscanned = split(list(walk([tmp_path])))
    assert files == {f"{tmp_path}/a/one.txt"}
    assert [(u.path, u.reason) for u in unscanned] == [(locked, UnscannedReason.PERMISSION_DENIED)]


def test_a_file_above_the_size_limit_is_reported_too_large(tmp_path: Path) -> None:
    tree(tmp_path)
    files, unscanned = split(list(walk([tmp_path], max_file_bytes=1)))
    assert files == {f"{tmp_path}/a/one.txt"}
    assert [u.reason for u in unscanned] == [UnscannedReason.TOO_LARGE]


def test_a_very_deep_tree_does_not_exhaust_recursion(tmp_path: Path) -> None:
    folder = tmp_path
    for _ in range(300):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "bottom.txt").write_text("x")
    files, _ = split(list(walk([tmp_path])))
    assert len(files) == 1
