"""Vectorised text for the matching benchmark's generator: names, addresses, ids.

Millions of strings are built as Arrow arrays from numpy buffers (no Python loop per row);
only the few thousand IDN and IPv6 values go through Python and ``cleannet.core``.
"""

from __future__ import annotations

import ipaddress

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ALPHABET = 26
_FIXED_WIDTH = 7  # 26**7 ≈ 8e9 distinct stems: far more than any run asks for
_SCRAMBLE = 4_963_945_003  # coprime to 26, so i -> i * _SCRAMBLE mod 26**7 is one-to-one


def letters(rng: np.random.Generator, count: int, shortest: int, longest: int) -> pa.Array:
    """Return ``count`` random lower-case words of ``shortest``..``longest`` letters."""
    lengths = rng.integers(shortest, longest + 1, size=count)
    matrix = rng.integers(ord("a"), ord("z") + 1, size=(count, max(longest, 1)), dtype=np.uint8)
    kept = matrix[np.arange(matrix.shape[1]) < lengths[:, None]]
    return _strings(lengths, kept)


def distinct_stems(indices: np.ndarray) -> pa.Array:
    """Return one 7-letter word per index, different for different indices (< 26**7)."""
    scrambled = (indices.astype(np.int64) * _SCRAMBLE + 123_456_789) % (_ALPHABET**_FIXED_WIDTH)
    digits = np.empty((len(indices), _FIXED_WIDTH), dtype=np.uint8)
    for position in range(_FIXED_WIDTH - 1, -1, -1):
        digits[:, position] = scrambled % _ALPHABET + ord("a")
        scrambled //= _ALPHABET
    return _strings(np.full(len(indices), _FIXED_WIDTH), digits.ravel())


def _strings(lengths: np.ndarray, data: np.ndarray) -> pa.Array:
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return pa.StringArray.from_buffers(
        len(lengths), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))
    )


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Return the element-wise concatenation of ``parts`` (arrays or constants)."""
    return pc.binary_join_element_wise(*parts, sep)


def numbered(prefix: str, numbers: np.ndarray, width: int = 0) -> pa.Array:
    """Return ``prefix`` + the decimal number (zero-padded to ``width``) for each number."""
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    return join(prefix, text)


def dotted_quads(addresses: np.ndarray) -> pa.Array:
    """Return the IPv4 dotted-quad text of each 32-bit integer."""
    values = addresses.astype(np.int64)
    octets = [pc.cast(pa.array((values >> shift) & 255), pa.string()) for shift in (24, 16, 8, 0)]
    return join(*octets, sep=".")


def ipv6_texts(offsets: np.ndarray, base: int, shift: int = 0) -> pa.Array:
    """Return the RFC 5952 text of ``base + (n << shift)`` for each ``n`` (a Python loop: few)."""
    return pa.array(
        [str(ipaddress.IPv6Address(base + (int(n) << shift))) for n in offsets], pa.string()
    )


def choose(
    rng: np.random.Generator, values: list[str], weights: list[float], count: int
) -> pa.Array:
    """Return ``count`` picks from ``values`` with the given relative weights."""
    probabilities = np.asarray(weights, dtype=float) / sum(weights)
    picks = rng.choice(len(values), size=count, p=probabilities)
    return pa.array(values, pa.string()).take(pa.array(picks))
