"""EmailChannel through a real SMTP relay (aiosmtpd on the loopback)."""

from __future__ import annotations

import pytest

from cleannet.server.notices.channels.base import (
    Attachment,
    PermanentFailure,
    TemporaryFailure,
)

from .loopback import FROM, Relay, email_channel, free_port, outgoing, restart


def test_it_sends_with_the_outbox_message_id_and_the_notice_headers(relay: Relay) -> None:
    message = outgoing()
    sender = email_channel(relay.port).open()
    try:
        provider_id = sender.send(message)
    finally:
        sender.close()
    [received] = relay.messages
    assert received["Message-ID"] == message.message_id
    assert received["X-CleanNet-Ticket"] == "W-2026-000123"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "vi"
    assert received["To"] == "chu-thue-bao@isp.example"
    assert received["From"] == FROM
    assert received["Date"]
    assert relay.envelopes == [("canh-bao@cleannet.example", ["chu-thue-bao@isp.example"])]
    assert provider_id == "2.0.0 Ok: queued as 4ABC123"


def test_it_round_trips_a_vietnamese_subject_and_body(relay: Relay) -> None:
    message = outgoing()
    sender = email_channel(relay.port).open()
    sender.send(message)
    sender.close()
    [received] = relay.messages
    assert received["Subject"] == message.subject
    assert received.get_content_charset() == "utf-8"
    # On the wire every line ends in CRLF.
    assert received.get_content().replace("\r\n", "\n") == message.body


def test_it_keeps_the_raw_headers_ascii(relay: Relay) -> None:
    sender = email_channel(relay.port).open()
    sender.send(outgoing())
    sender.close()
    [received] = relay.messages
    raw = received.as_bytes()
    assert raw.isascii()
    assert b"Subject: =?utf-8?" in raw


def test_it_puts_a_template_line_break_in_the_subject_on_one_line(relay: Relay) -> None:
    sender = email_channel(relay.port).open()
    sender.send(outgoing(subject="Cảnh báo\r\nBcc: victim@isp.example"))
    sender.close()
    [received] = relay.messages
    assert received["Subject"] == "Cảnh báo Bcc: victim@isp.example"
    assert received["Bcc"] is None


def test_it_attaches_the_report(relay: Relay) -> None:
    data = b"ip,family\n198.51.100.7,mirai\n"
    attachment = Attachment("báo-cáo R-2026-000001.csv", "text/csv", data)
    sender = email_channel(relay.port).open()
    sender.send(outgoing(attachment=attachment))
    sender.close()
    [received] = relay.messages
    [part] = list(received.iter_attachments())
    assert part.get_filename() == "báo-cáo R-2026-000001.csv"
    assert part.get_content_type() == "text/csv"
    assert part.get_payload(decode=True) == data
    body = received.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == outgoing().body


def test_it_sends_many_messages_over_one_session(relay: Relay) -> None:
    sender = email_channel(relay.port).open()
    for number in range(3):
        sender.send(outgoing(message_id=f"<m{number}@cleannet.example>"))
    sender.close()
    assert [m["Message-ID"] for m in relay.messages] == [
        "<m0@cleannet.example>",
        "<m1@cleannet.example>",
        "<m2@cleannet.example>",
    ]


def test_it_reconnects_once_when_the_relay_dropped_the_session(relay: Relay) -> None:
    sender = email_channel(relay.port).open()
    sender.send(outgoing(message_id="<before@cleannet.example>"))
    restart(relay)
    sender.send(outgoing(message_id="<after@cleannet.example>"))
    sender.close()
    assert [m["Message-ID"] for m in relay.messages][-1] == "<after@cleannet.example>"


def test_it_fails_temporarily_when_the_relay_says_451(relay: Relay) -> None:
    relay.data_reply = "451 4.3.0 Try again later"
    sender = email_channel(relay.port).open()
    with pytest.raises(TemporaryFailure) as failure:
        sender.send(outgoing())
    sender.close()
    assert "451" in failure.value.reason
    assert not failure.value.permanent


def test_it_fails_for_good_when_the_relay_refuses_the_recipient(relay: Relay) -> None:
    relay.rcpt_replies["chu-thue-bao@isp.example"] = "550 5.1.1 No such user here"
    sender = email_channel(relay.port).open()
    with pytest.raises(PermanentFailure) as failure:
        sender.send(outgoing())
    assert failure.value.reason == "RCPT TO refused by the relay: 550 5.1.1 No such user here"
    assert failure.value.permanent
    # The session is still usable for the next recipient.
    sender.send(outgoing(recipient="other@isp.example"))
    sender.close()
    assert relay.envelopes[-1][1] == ["other@isp.example"]


def test_it_fails_for_good_when_the_relay_refuses_the_data(relay: Relay) -> None:
    relay.data_reply = "554 5.7.1 Message rejected as spam"
    sender = email_channel(relay.port).open()
    with pytest.raises(PermanentFailure, match=r"DATA refused by the relay: 554 5\.7\.1"):
        sender.send(outgoing())
    sender.close()


def test_it_fails_temporarily_when_the_recipient_is_greylisted(relay: Relay) -> None:
    relay.rcpt_replies["chu-thue-bao@isp.example"] = "450 4.2.0 Greylisted, come back later"
    sender = email_channel(relay.port).open()
    with pytest.raises(TemporaryFailure, match=r"450 4\.2\.0 Greylisted"):
        sender.send(outgoing())
    sender.close()


def test_it_fails_temporarily_when_the_relay_is_down() -> None:
    with pytest.raises(TemporaryFailure, match="could not be reached"):
        email_channel(free_port()).open()


def test_it_fails_temporarily_when_the_relay_went_away_for_good(relay: Relay) -> None:
    sender = email_channel(relay.port).open()
    relay.controller.stop()
    try:
        with pytest.raises(TemporaryFailure):
            sender.send(outgoing())
        sender.close()
    finally:
        restart(relay, running=False)  # for the fixture's stop()
