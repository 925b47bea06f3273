"""MD4 (RFC 1320), the hash inside NTLM, in pure Python and vectorised over many messages.

OpenSSL 3 moved MD4 to its legacy provider, so ``hashlib.new("md4")`` fails on most current
systems; Pwned Passwords' NTLM mode still needs it. ``md4`` hashes one message of any length;
``md4_many`` hashes a batch with numpy, 32-bit lanes side by side, which is what makes a bulk
password import affordable (one Python MD4 costs tens of microseconds, a lane well under one).
Messages of up to 55 bytes (27 UTF-16 code units, nearly every real password) fit one block and
go through the lanes; longer ones fall back to ``md4``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["DIGEST_BYTES", "md4", "md4_many"]

DIGEST_BYTES = 16
_BLOCK = 64
_ONE_BLOCK_MAX = _BLOCK - 9  # room for the 0x80 byte and the 64-bit length
_MASK = 0xFFFFFFFF
_INITIAL = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476)
_ROUND2, _ROUND3 = 0x5A827999, 0x6ED9EBA1
# Per step: (round, word index, shift), the order RFC 1320 section 3.4 gives.
_STEPS = (
    [(1, k, (3, 7, 11, 19)[k % 4]) for k in range(16)]
    + [(2, k, (3, 5, 9, 13)[i % 4]) for i, k in enumerate((0, 4, 8, 12, 1, 5, 9, 13,
                                                           2, 6, 10, 14, 3, 7, 11, 15))]
    + [(3, k, (3, 9, 11, 15)[i % 4]) for i, k in enumerate((0, 8, 4, 12, 2, 10, 6, 14,
                                                           1, 9, 5, 13, 3, 11, 7, 15))]
)  # fmt: skip


def _padded(message: bytes) -> bytes:
    length_bits = (8 * len(message)) & 0xFFFFFFFFFFFFFFFF
    zeros = (_ONE_BLOCK_MAX - len(message)) % _BLOCK
    return message + b"\x80" + b"\x00" * zeros + struct.pack("<Q", length_bits)


def _compress(state: list[int], words: tuple[int, ...]) -> None:
    a, b, c, d = state
    for round_, k, shift in _STEPS:
        if round_ == 1:
            mixed = ((b & c) | (~b & d)) + words[k]
        elif round_ == 2:
            mixed = ((b & c) | (b & d) | (c & d)) + words[k] + _ROUND2
        else:
            mixed = (b ^ c ^ d) + words[k] + _ROUND3
        total = (a + mixed) & _MASK
        a, b, c, d = d, ((total << shift) | (total >> (32 - shift))) & _MASK, b, c
    state[:] = [(x + y) & _MASK for x, y in zip(state, (a, b, c, d), strict=True)]


def md4(message: bytes) -> bytes:
    """Return the 16-byte MD4 digest of ``message`` (RFC 1320)."""
    state = list(_INITIAL)
    padded = _padded(message)
    for start in range(0, len(padded), _BLOCK):
        _compress(state, struct.unpack_from("<16I", padded, start))
    return struct.pack("<4I", *state)


def _blocks(messages: Sequence[bytes]) -> npt.NDArray[np.uint32]:
    """Return one padded 64-byte block per message (each at most 55 bytes) as 16 words."""
    lengths = np.fromiter(map(len, messages), dtype=np.int64, count=len(messages))
    blocks = np.zeros((len(messages), _BLOCK), dtype=np.uint8)
    flat = np.frombuffer(b"".join(messages), dtype=np.uint8)
    rows = np.repeat(np.arange(len(messages)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    blocks[rows, np.arange(flat.size) - starts] = flat
    blocks[np.arange(len(messages)), lengths] = 0x80
    blocks[:, 56:] = (lengths * 8).astype("<u8").view(np.uint8).reshape(-1, 8)
    return blocks.view("<u4").astype(np.uint32)


def _compress_lanes(words: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    lanes = len(words)
    a, b, c, d = (np.full(lanes, value, dtype=np.uint32) for value in _INITIAL)
    columns = [np.ascontiguousarray(words[:, k]) for k in range(16)]
    for round_, k, shift in _STEPS:
        if round_ == 1:
            mixed = (b & c) | (~b & d)
        elif round_ == 2:
            mixed = (b & c) | (b & d) | (c & d)
            mixed += np.uint32(_ROUND2)
        else:
            mixed = b ^ c ^ d
            mixed += np.uint32(_ROUND3)
        mixed += columns[k]
        mixed += a
        a, b, c, d = d, (mixed << np.uint32(shift)) | (mixed >> np.uint32(32 - shift)), b, c
    digest = np.empty((lanes, 4), dtype="<u4")
    for column, (value, initial) in enumerate(zip((a, b, c, d), _INITIAL, strict=True)):
        digest[:, column] = value + np.uint32(initial)
    return digest.view(np.uint8)


def md4_many(messages: Sequence[bytes]) -> npt.NDArray[np.uint8]:
    """Return the MD4 digests of ``messages`` as an ``(n, 16)`` uint8 array, in their order."""
    digests = np.empty((len(messages), DIGEST_BYTES), dtype=np.uint8)
    short = [i for i, message in enumerate(messages) if len(message) <= _ONE_BLOCK_MAX]
    if len(short) == len(messages):
        if messages:
            digests[:] = _compress_lanes(_blocks(messages))
        return digests
    if short:
        digests[short] = _compress_lanes(_blocks([messages[i] for i in short]))
    for i, message in enumerate(messages):
        if len(message) > _ONE_BLOCK_MAX:
            digests[i] = np.frombuffer(md4(message), dtype=np.uint8)
    return digests
