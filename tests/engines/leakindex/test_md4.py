"""MD4 in pure Python and over many messages at once, held to RFC 1320's test suite."""

from __future__ import annotations

import pytest

from cleannet.engines.leakindex import md4
from cleannet.engines.leakindex.md4 import md4_many

RFC_1320_SUITE = [
    (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
    (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
    (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
    (b"message digest", "d9130a8164549fe818874806e1c7014b"),
    (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "043f8582f241db351ce627e153e7f0e4",
    ),
    (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
]


@pytest.mark.parametrize(("message", "digest"), RFC_1320_SUITE)
def test_it_gives_the_rfc_1320_digests(message: bytes, digest: str) -> None:
    assert md4(message).hex() == digest


def test_it_hashes_a_batch_as_it_hashes_each_message() -> None:
    # Lengths around 55/56 bytes cross from one padded block to two.
    messages = [bytes(range(length)) for length in range(0, 130)]
    messages += [message for message, _ in RFC_1320_SUITE]

    digests = md4_many(messages)

    assert digests.shape == (len(messages), 16)
    assert [bytes(row) for row in digests] == [md4(message) for message in messages]


def test_it_hashes_an_empty_batch() -> None:
    assert md4_many([]).shape == (0, 16)
