"""The bytes ``email_bytes`` writes: read back with the standard library's strict parser."""

from __future__ import annotations

import email
import email.policy

import pytest

from cleannet.server.notices.channels.base import Attachment
from cleannet.server.notices.channels.email import build_email, email_bytes

from .loopback import FROM, outgoing


def _parse(raw: bytes) -> email.message.EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_it_writes_seven_bit_lines_ending_in_crlf_under_the_line_limit() -> None:
    raw = email_bytes(outgoing(subject="Cảnh báo " * 30, body="Dòng một\nDòng hai\n"), FROM)
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert all(len(line) <= 78 for line in lines if not line.startswith(b"Message-ID:"))


def test_it_round_trips_a_long_vietnamese_subject_folded_in_encoded_words() -> None:
    subject = "Cảnh báo: thiết bị của bạn nhiễm mã độc Mirai — lần thứ hai, xin xử lý ngay"
    parsed = _parse(email_bytes(outgoing(subject=subject), FROM))
    assert parsed["Subject"] == subject
    assert not parsed.defects


def test_it_keeps_a_short_ascii_subject_readable() -> None:
    raw = email_bytes(outgoing(subject="Warning: Mirai  on\tyour device"), FROM)
    assert b"\r\nSubject: Warning: Mirai on your device\r\n" in raw


def test_it_encodes_a_from_name_outside_ascii() -> None:
    raw = email_bytes(outgoing(), "CleanNet Việt Nam <canh-bao@isp.example>")
    assert raw.isascii()
    parsed = _parse(raw)
    assert parsed["From"].addresses[0].display_name == "CleanNet Việt Nam"
    assert parsed["From"].addresses[0].addr_spec == "canh-bao@isp.example"


def test_it_sends_the_body_in_canonical_crlf_form() -> None:
    parsed = _parse(email_bytes(outgoing(body="a\nb\r\nc\n.d\n"), FROM))
    assert parsed.get_payload(decode=True) == b"a\r\nb\r\nc\r\n.d\r\n"


def test_it_attaches_an_ascii_named_file_with_a_quoted_name() -> None:
    attachment = Attachment('report "R-1".json', "application/json", b'{"a": 1}')
    parsed = _parse(email_bytes(outgoing(attachment=attachment), FROM))
    [part] = list(parsed.iter_attachments())
    assert part.get_filename() == 'report "R-1".json'
    assert part.get_content_type() == "application/json"
    assert part.get_payload(decode=True) == b'{"a": 1}'
    assert parsed["Message-ID"] == outgoing().message_id
    assert not any(p.defects for p in parsed.walk())


def test_it_falls_back_to_octet_stream_for_a_malformed_content_type() -> None:
    attachment = Attachment("x.bin", "text/csv\r\nBcc: victim@isp.example", b"x")
    parsed = _parse(email_bytes(outgoing(attachment=attachment), FROM))
    [part] = list(parsed.iter_attachments())
    assert part.get_content_type() == "application/octet-stream"
    assert parsed["Bcc"] is None


@pytest.mark.parametrize("field", ["message_id", "ticket_ref", "recipient", "language"])
def test_it_refuses_a_line_break_in_a_header_value(field: str) -> None:
    with pytest.raises(ValueError, match="not one line"):
        email_bytes(outgoing(**{field: "x\r\nBcc: victim@isp.example"}), FROM)


def test_it_parses_back_into_a_message_for_inspection() -> None:
    message = build_email(outgoing(), FROM)
    assert message["X-CleanNet-Ticket"] == "W-2026-000123"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "vi"
