"""Thrift compact structs: what is written reads back; malformed input raises ValueError."""

import pytest

from cleannet.engines.matching.thrift_compact import (
    BINARY,
    I32,
    I64,
    LIST,
    STRUCT,
    CompactReader,
    encode_int,
    encode_list,
    encode_string,
    encode_struct,
)


def test_a_struct_reads_back_with_nested_structs_lists_and_long_field_gaps() -> None:
    inner = encode_struct((1, I32, encode_int(-7)), (2, BINARY, encode_string("Đà Nẵng")))
    data = encode_struct(
        (1, I32, encode_int(2)),
        (3, I64, encode_int(2**40)),
        (5, STRUCT, inner),
        (40, LIST, encode_list(I32, [encode_int(n) for n in range(20)])),  # a gap over 15
    )

    fields = CompactReader(data).read_struct()

    assert fields == {
        1: 2,
        3: 2**40,
        5: {1: -7, 2: "Đà Nẵng".encode()},
        40: list(range(20)),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ends inside a value"),
        (bytes([0x18, 0x7F]), "runs past the data"),  # a binary of 127 bytes, none there
        (bytes([0x18, *[0xFF] * 10, 0x01]), "longer than 64 bits"),
        (bytes([0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x0F]), "larger than the data"),  # 4G i32s
        (bytes([0x17]), "runs past the data"),  # a double cut short
        (bytes([0x1C] * 40), "nested too deep"),
        (bytes([0x1D]), "not a Thrift compact type"),
    ],
)
def test_malformed_input_raises_value_error(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CompactReader(data).read_struct()
