"""SmppSink spoken to in raw SMPP 3.4 PDUs, as another client than smpplib would."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from cleannet.server.notices.channels.smpp_sink import SmppSink

from .loopback import SMPP_PASSWORD, SMPP_SYSTEM_ID


class RawClient:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sequence = 0

    def call(self, command_id: int, body: bytes = b"") -> tuple[int, int, bytes]:
        """Send one PDU; return the answer's (command_id, status, body)."""
        self.sequence += 1
        self.sock.sendall(struct.pack(">IIII", 16 + len(body), command_id, 0, self.sequence) + body)
        header = self._read(16)
        length, answer_id, status, sequence = struct.unpack(">IIII", header)
        assert sequence == self.sequence
        return answer_id, status, self._read(length - 16)

    def _read(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            assert chunk, "the sink closed the connection"
            data += chunk
        return data

    def bind(self, system_id: str = SMPP_SYSTEM_ID, password: str = SMPP_PASSWORD) -> int:
        body = system_id.encode() + b"\0" + password.encode() + b"\0" + b"\0" + b"\x34\0\0\0"
        return self.call(0x00000009, body)[1]


def submit_body(
    destination: str, message: bytes, *, esm_class: int = 0, data_coding: int = 0, tlvs: bytes = b""
) -> bytes:
    return (
        b"\0" + b"\x05\x00CleanNet\0" + b"\x01\x01" + destination.encode() + b"\0"
        + bytes([esm_class, 0, 0]) + b"\0\0" + bytes([1, 0, data_coding, 0, len(message)])
        + message + tlvs
    )  # fmt: skip


@pytest.fixture
def client(sink: SmppSink) -> Iterator[RawClient]:
    raw = RawClient(sink.port)
    yield raw
    raw.sock.close()


def test_it_answers_enquire_link_and_unbind(client: RawClient) -> None:
    assert client.call(0x00000015)[:2] == (0x80000015, 0)
    assert client.call(0x00000006)[:2] == (0x80000006, 0)


def test_it_refuses_a_wrong_system_id_and_a_wrong_password(client: RawClient) -> None:
    assert client.bind(system_id="intruder") == 0x0000000F
    assert client.bind(password="wrong") == 0x0000000E
    assert client.bind() == 0


def test_it_refuses_a_submit_before_the_bind(sink: SmppSink, client: RawClient) -> None:
    answer = client.call(0x00000004, submit_body("84912345678", b"hello"))
    assert answer[:2] == (0x80000004, 0x00000004)  # ESME_RINVBNDSTS
    assert sink.messages == []


def test_it_answers_generic_nack_to_a_command_it_does_not_know(client: RawClient) -> None:
    assert client.call(0x00000103)[:2] == (0x80000000, 0x00000003)  # data_sm: ESME_RINVCMDID


def test_it_puts_parts_with_a_16_bit_reference_together_in_order(
    sink: SmppSink, client: RawClient
) -> None:
    client.bind()
    first = b"\x06\x08\x04\x12\x34\x02\x01" + "Xin chào ".encode("utf-16-be")
    second = b"\x06\x08\x04\x12\x34\x02\x02" + "thế giới".encode("utf-16-be")
    client.call(0x00000004, submit_body("84912345678", second, esm_class=0x40, data_coding=8))
    assert sink.messages == []
    answer = client.call(
        0x00000004, submit_body("84912345678", first, esm_class=0x40, data_coding=8)
    )
    [received] = sink.messages
    assert (received.text, received.parts) == ("Xin chào thế giới", 2)
    assert answer[2].rstrip(b"\0").decode() == received.message_ids[0]


def test_it_puts_parts_sent_with_sar_parameters_together(sink: SmppSink, client: RawClient) -> None:
    client.bind()
    for number, text in ((1, b"part one, "), (2, b"part two")):
        sar = (
            b"\x02\x0c\x00\x02\x00\x07"
            + b"\x02\x0e\x00\x01\x02"
            + b"\x02\x0f\x00\x01"
            + bytes([number])
        )
        client.call(0x00000004, submit_body("84912345678", text, tlvs=sar))
    assert [m.text for m in sink.messages] == ["part one, part two"]


def test_it_reads_a_text_sent_in_message_payload(sink: SmppSink, client: RawClient) -> None:
    client.bind()
    payload = b"\x04\x24\x00\x05hello"
    client.call(0x00000004, submit_body("84912345678", b"", tlvs=payload))
    assert [m.text for m in sink.messages] == ["hello"]


def test_it_decodes_the_gsm_alphabet_and_its_extension(sink: SmppSink, client: RawClient) -> None:
    client.bind()
    client.call(0x00000004, submit_body("84912345678", b"\x00\x01\x1b\x65\x5f\x7f"))
    assert sink.messages[0].text == "@£€§à"


def test_it_stops_while_a_client_is_still_connected(client: RawClient) -> None:
    other = SmppSink().start()
    connected = RawClient(other.port)
    connected.call(0x00000015)
    other.stop()  # returns: the open session is shut down and its thread joined
    assert connected.sock.recv(1) == b""
    connected.sock.close()
