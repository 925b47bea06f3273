"""A small SMS centre (SMPP 3.4 server) on the loopback that keeps what it receives.

Tests, ``make demo`` and the benchmark send real SMPP to it: bind_transmitter or
bind_transceiver, submit_sm, enquire_link, unbind (anything else answers generic_nack).
Concatenated parts (a user data header with 8- or 16-bit reference, or the SAR optional
parameters) are put back together into one ``ReceivedSms`` per text. Each part is decoded on
its own, as a phone would, so a part cut in the middle of a character shows as U+FFFD.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["ReceivedSms", "SmppSink", "decode_short_message"]

BIND_TRANSMITTER, SUBMIT_SM, UNBIND = 0x2, 0x4, 0x6
BIND_TRANSCEIVER, ENQUIRE_LINK, GENERIC_NACK = 0x9, 0x15, 0x80000000
RESPONSE = 0x80000000
ESME_ROK, ESME_RINVCMDLEN, ESME_RINVCMDID, ESME_RINVBNDSTS = 0x0, 0x2, 0x3, 0x4
ESME_RINVPASWD, ESME_RINVSYSID = 0xE, 0xF
_HEADER = struct.Struct(">IIII")
_MAX_PDU = 64 * 1024
_UDHI = 0x40
_SAR_REF, _SAR_TOTAL, _SAR_SEQ, _PAYLOAD = 0x020C, 0x020E, 0x020F, 0x0424

# GSM 03.38 default alphabet and its extension table (after 0x1B), one septet per byte.
_GSM = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}  # fmt: skip
assert len(_GSM) == 128


@dataclass(frozen=True)
class ReceivedSms:
    """One text as the phone would show it, with the centre's id for each of its parts."""

    destination: str
    source: str
    text: str
    message_ids: tuple[str, ...]
    parts: int
    data_coding: int
    source_ton: int
    source_npi: int
    dest_ton: int
    dest_npi: int
    registered_delivery: int


@dataclass(frozen=True)
class _Part:
    fields: dict[str, Any]
    payload: bytes
    reference: tuple[int, int, int] | None  # (reference, total, number) of a long text


def _gsm_decode(data: bytes) -> str:
    chars, escaped = [], False
    for byte in data:
        if escaped:
            chars.append(_GSM_EXTENSION.get(byte, " "))
            escaped = False
        elif byte == 0x1B:
            escaped = True
        else:
            chars.append(_GSM[byte & 0x7F])
    return "".join(chars)


def decode_short_message(payload: bytes, data_coding: int) -> str:
    """The text of a short message (without its UDH): GSM 7-bit (one septet a byte) for 0,
    IA5/ASCII for 1, UCS-2/UTF-16 for 8, Latin-1 otherwise."""
    if data_coding == 0x00:
        return _gsm_decode(payload)
    if data_coding == 0x01:
        return payload.decode("ascii", "replace")
    if data_coding == 0x08:
        return payload.decode("utf-16-be", "replace")
    return payload.decode("latin-1")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def c_string(self) -> str:
        end = self.data.index(b"\0", self.pos)
        value, self.pos = self.data[self.pos : end], end + 1
        return value.decode("latin-1")

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def octets(self, length: int) -> bytes:
        value = self.data[self.pos : self.pos + length]
        if len(value) != length:
            raise ValueError("PDU body shorter than its fields")
        self.pos += length
        return value

    def tlvs(self) -> dict[int, bytes]:
        found = {}
        while self.pos + 4 <= len(self.data):
            tag, length = struct.unpack_from(">HH", self.data, self.pos)
            self.pos += 4
            found[tag] = self.octets(length)
        return found


_SUBMIT_FIELDS = (
    ("service_type", "s"), ("source_addr_ton", "b"), ("source_addr_npi", "b"),
    ("source_addr", "s"), ("dest_addr_ton", "b"), ("dest_addr_npi", "b"),
    ("destination_addr", "s"), ("esm_class", "b"), ("protocol_id", "b"),
    ("priority_flag", "b"), ("schedule_delivery_time", "s"), ("validity_period", "s"),
    ("registered_delivery", "b"), ("replace_if_present_flag", "b"), ("data_coding", "b"),
    ("sm_default_msg_id", "b"), ("sm_length", "b"),
)  # fmt: skip


def _udh_reference(message: bytes) -> tuple[tuple[int, int, int] | None, bytes]:
    """Split a user data header off; return the concatenation (ref, total, number) if any."""
    length = message[0]
    header, payload = message[1 : 1 + length], message[1 + length :]
    reference, pos = None, 0
    while pos + 2 <= len(header):
        element, size = header[pos], header[pos + 1]
        value = header[pos + 2 : pos + 2 + size]
        if element == 0x00 and size == 3:
            reference = (value[0], value[1], value[2])
        elif element == 0x08 and size == 4:
            reference = ((value[0] << 8) | value[1], value[2], value[3])
        pos += 2 + size
    return reference, payload


def parse_submit_sm(body: bytes) -> _Part:
    """Decode a submit_sm body; raises ValueError or IndexError when it is malformed."""
    reader = _Reader(body)
    fields: dict[str, Any] = {
        name: reader.c_string() if kind == "s" else reader.byte() for name, kind in _SUBMIT_FIELDS
    }
    message = reader.octets(fields["sm_length"])
    tlvs = reader.tlvs()
    if not message and _PAYLOAD in tlvs:
        message = tlvs[_PAYLOAD]
    reference = None
    if fields["esm_class"] & _UDHI and message:
        reference, message = _udh_reference(message)
    elif {_SAR_REF, _SAR_TOTAL, _SAR_SEQ} <= tlvs.keys():
        reference = (
            int.from_bytes(tlvs[_SAR_REF], "big"),
            tlvs[_SAR_TOTAL][0],
            tlvs[_SAR_SEQ][0],
        )
    return _Part(fields, message, reference)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sink = self.server.sink
        self.bound = False
        try:
            while self._one_pdu(sink):
                pass
        except OSError:
            pass  # the client went away, or stop() shut the socket
        finally:
            sink._closed(self.request)

    def _read(self, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _answer(self, command_id: int, status: int, sequence: int, body: bytes = b"") -> None:
        self.request.sendall(_HEADER.pack(16 + len(body), command_id, status, sequence) + body)

    def _one_pdu(self, sink: SmppSink) -> bool:
        header = self._read(16)
        if header is None:
            return False
        length, command_id, _status, sequence = _HEADER.unpack(header)
        if not 16 <= length <= _MAX_PDU:
            self._answer(GENERIC_NACK, ESME_RINVCMDLEN, sequence)
            return False
        body = self._read(length - 16)
        if body is None:
            return False
        return self._dispatch(sink, command_id, sequence, body)

    def _dispatch(self, sink: SmppSink, command_id: int, sequence: int, body: bytes) -> bool:
        if command_id in (BIND_TRANSMITTER, BIND_TRANSCEIVER):
            status = sink._check_bind(body)
            self.bound = status == ESME_ROK
            reply = b"CleanNetSink\0" if self.bound else b""
            self._answer(command_id | RESPONSE, status, sequence, reply)
        elif command_id == SUBMIT_SM:
            self._submit(sink, sequence, body)
        elif command_id == ENQUIRE_LINK:
            self._answer(ENQUIRE_LINK | RESPONSE, ESME_ROK, sequence)
        elif command_id == UNBIND:
            self._answer(UNBIND | RESPONSE, ESME_ROK, sequence)
            return False
        elif not command_id & RESPONSE:  # responses (to nothing we sent) are ignored
            self._answer(GENERIC_NACK, ESME_RINVCMDID, sequence)
        return True

    def _submit(self, sink: SmppSink, sequence: int, body: bytes) -> None:
        if not self.bound:
            self._answer(SUBMIT_SM | RESPONSE, ESME_RINVBNDSTS, sequence)
            return
        try:
            part = parse_submit_sm(body)
        except (ValueError, IndexError):
            self._answer(GENERIC_NACK, ESME_RINVCMDLEN, sequence)
            return
        status, message_id = sink._accept(part)
        reply = message_id.encode("ascii") + b"\0" if status == ESME_ROK else b""
        self._answer(SUBMIT_SM | RESPONSE, status, sequence, reply)


class _Server(socketserver.ThreadingTCPServer):
    # Non-daemon handler threads, joined by server_close(), so that stop() really stops.
    allow_reuse_address = True
    block_on_close = True
    sink: SmppSink

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # Registered in the serving thread, before the handler starts, so that stop() sees
        # every open session (a handler thread may not have run yet when stop() is called).
        self.sink._opened(request)
        return True


class SmppSink:
    """An SMPP 3.4 server for tests and the demo: ``SmppSink().start()`` … ``.stop()``.

    ``fail_destinations`` maps a number (with or without ``+``) to the command_status its
    submit_sm is answered with. With ``system_id``/``password`` set, a bind with others is
    refused (ESME_RINVSYSID / ESME_RINVPASWD). ``messages`` lists the texts received whole.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        system_id: str | None = None,
        password: str | None = None,
        fail_destinations: dict[str, int] | None = None,
    ) -> None:
        self.host, self._port = host, port
        self.system_id, self.password = system_id, password
        self.fail_destinations: dict[str, int] = dict(fail_destinations or {})
        self.binds = 0
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._messages: list[ReceivedSms] = []
        self._pending: dict[tuple[str, str, int, int], dict[int, tuple[str, str]]] = {}
        self._sockets: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one the system picked when started with port 0)."""
        return int(self._server.server_address[1]) if self._server else self._port

    @property
    def messages(self) -> list[ReceivedSms]:
        """A copy of the texts received whole so far, in the order they were completed."""
        with self._lock:
            return list(self._messages)

    def start(self) -> SmppSink:
        """Listen and serve in a background thread; returns ``self``."""
        self._server = _Server((self.host, self._port), _Handler)
        self._server.sink = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, drop open sessions and wait for the threads to end."""
        if self._server is None:
            return
        self._server.shutdown()
        with self._lock:
            open_sockets = list(self._sockets)
        for sock in open_sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._port, self._server, self._thread = self.port, None, None

    def __enter__(self) -> SmppSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _opened(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def _check_bind(self, body: bytes) -> int:
        try:
            reader = _Reader(body)
            system_id, password = reader.c_string(), reader.c_string()
        except ValueError:
            return ESME_RINVCMDLEN
        if self.system_id is not None and system_id != self.system_id:
            return ESME_RINVSYSID
        if self.password is not None and password != self.password:
            return ESME_RINVPASWD
        with self._lock:
            self.binds += 1
        return ESME_ROK

    def _accept(self, part: _Part) -> tuple[int, str]:
        """Record a part (recording the whole text once its last part came); return the
        status to answer and the message id given to it."""
        destination = part.fields["destination_addr"]
        status = self.fail_destinations.get(destination) or self.fail_destinations.get(
            "+" + destination, ESME_ROK
        )
        if status != ESME_ROK:
            return status, ""
        text = decode_short_message(part.payload, part.fields["data_coding"])
        with self._lock:
            message_id = f"{next(self._ids):010x}"
            if part.reference is None:
                self._messages.append(self._record(part, [(text, message_id)]))
                return ESME_ROK, message_id
            reference, total, number = part.reference
            key = (part.fields["source_addr"], destination, reference, total)
            received = self._pending.setdefault(key, {})
            received[number] = (text, message_id)
            if len(received) == total:
                del self._pending[key]
                ordered = [received[n] for n in sorted(received)]
                self._messages.append(self._record(part, ordered))
        return ESME_ROK, message_id

    @staticmethod
    def _record(part: _Part, pieces: list[tuple[str, str]]) -> ReceivedSms:
        fields = part.fields
        return ReceivedSms(
            destination=fields["destination_addr"],
            source=fields["source_addr"],
            text="".join(text for text, _ in pieces),
            message_ids=tuple(message_id for _, message_id in pieces),
            parts=len(pieces),
            data_coding=fields["data_coding"],
            source_ton=fields["source_addr_ton"],
            source_npi=fields["source_addr_npi"],
            dest_ton=fields["dest_addr_ton"],
            dest_npi=fields["dest_addr_npi"],
            registered_delivery=fields["registered_delivery"],
        )
