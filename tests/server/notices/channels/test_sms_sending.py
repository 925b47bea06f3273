"""SmsChannel through a real smpplib client to the loopback SMS centre (SmppSink)."""

from __future__ import annotations

import pytest
import smpplib.consts as consts

from cleannet.server.notices.channels.base import PermanentFailure, TemporaryFailure
from cleannet.server.notices.channels.smpp_sink import SmppSink

from .loopback import free_port, sms, sms_channel

NUMBER = "+84912345678"
VIETNAMESE = (
    "CleanNet: thiết bị của quý khách tại địa chỉ 198.51.100.7 có dấu hiệu nhiễm mã độc "
    "Mirai. Vui lòng quét và làm sạch thiết bị theo hướng dẫn tại https://cleannet.example/n/AB12 "
    "trước ngày 15/03. Xin cảm ơn quý khách đã hợp tác cùng chúng tôi."
)


def test_it_sends_a_short_ascii_text_in_one_gsm_part(sink: SmppSink) -> None:
    sender = sms_channel(sink.port).open()
    provider_id = sender.send(sms(NUMBER, "CleanNet: your device may be infected."))
    sender.close()
    [received] = sink.messages
    assert received.text == "CleanNet: your device may be infected."
    assert (received.parts, received.data_coding) == (1, consts.SMPP_ENCODING_DEFAULT)
    assert received.destination == "84912345678"
    assert (received.dest_ton, received.dest_npi) == (1, 1)
    assert (received.source, received.source_ton, received.source_npi) == ("CleanNet", 5, 0)
    assert received.registered_delivery == 1
    assert provider_id == received.message_ids[0]


def test_it_sends_vietnamese_as_ucs2_parts_put_back_together(sink: SmppSink) -> None:
    sender = sms_channel(sink.port).open()
    provider_id = sender.send(sms(NUMBER, VIETNAMESE))
    sender.close()
    [received] = sink.messages
    assert received.text == VIETNAMESE
    assert received.data_coding == consts.SMPP_ENCODING_ISO10646
    assert received.parts == 4  # 236 characters, 67 a part
    assert provider_id == ",".join(received.message_ids)


def test_it_never_cuts_a_gsm_escape_pair_between_parts(sink: SmppSink) -> None:
    text = "x" * 152 + "{braces}" + "y" * 40  # '{' is ESC + 0x28, at the 153rd septet
    sender = sms_channel(sink.port).open()
    sender.send(sms(NUMBER, text))
    sender.close()
    [received] = sink.messages
    assert (received.text, received.parts, received.data_coding) == (text, 2, 0)


def test_it_never_cuts_a_surrogate_pair_between_parts(sink: SmppSink) -> None:
    text = "ệ" * 66 + "🦠" + "ệ" * 20  # the virus emoji straddles the 67th code unit
    sender = sms_channel(sink.port).open()
    sender.send(sms(NUMBER, text))
    sender.close()
    [received] = sink.messages
    assert (received.text, received.parts) == (text, 2)


def test_it_sends_a_backtick_as_ucs2_rather_than_as_a_section_sign(sink: SmppSink) -> None:
    sender = sms_channel(sink.port).open()
    sender.send(sms(NUMBER, "run `cleannet-scan`"))
    sender.close()
    [received] = sink.messages
    assert (received.text, received.data_coding) == ("run `cleannet-scan`", 8)


def test_it_keeps_one_bound_session_for_many_messages(sink: SmppSink) -> None:
    sender = sms_channel(sink.port).open()
    for number in ("+84912345678", "+84987654321", "+84362345678"):
        sender.send(sms(number, "CleanNet test"))
    sender.close()
    assert [m.destination for m in sink.messages] == ["84912345678", "84987654321", "84362345678"]
    assert sink.binds == 1


def test_it_fails_for_good_on_an_invalid_destination(sink: SmppSink) -> None:
    sink.fail_destinations[NUMBER] = consts.SMPP_ESME_RINVDSTADR
    sender = sms_channel(sink.port).open()
    with pytest.raises(PermanentFailure) as failure:
        sender.send(sms(NUMBER, "CleanNet test"))
    assert failure.value.reason == "the SMS centre refused the message: ESME_RINVDSTADR"
    sender.send(sms("+84987654321", "CleanNet test"))  # the session goes on
    sender.close()
    assert [m.destination for m in sink.messages] == ["84987654321"]


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (consts.SMPP_ESME_RTHROTTLED, "ESME_RTHROTTLED"),
        (consts.SMPP_ESME_RMSGQFUL, "ESME_RMSGQFUL"),
        (consts.SMPP_ESME_RSYSERR, "ESME_RSYSERR"),
    ],
)
def test_it_fails_temporarily_when_the_centre_is_busy(
    sink: SmppSink, status: int, name: str
) -> None:
    sink.fail_destinations["84912345678"] = status
    sender = sms_channel(sink.port).open()
    with pytest.raises(TemporaryFailure, match=name):
        sender.send(sms(NUMBER, "CleanNet test"))
    sender.close()


def test_it_names_a_status_smpp_does_not(sink: SmppSink) -> None:
    sink.fail_destinations[NUMBER] = 0x400
    sender = sms_channel(sink.port).open()
    with pytest.raises(PermanentFailure, match="status 0x00000400"):
        sender.send(sms(NUMBER, "CleanNet test"))
    sender.close()


def test_it_fails_temporarily_when_the_bind_is_refused(sink: SmppSink) -> None:
    with pytest.raises(TemporaryFailure, match="refused the bind: ESME_RINVPASWD"):
        sms_channel(sink.port, password="wrong").open()


def test_it_fails_temporarily_when_the_centre_is_down() -> None:
    with pytest.raises(TemporaryFailure, match="could not be reached"):
        sms_channel(free_port()).open()


def test_it_binds_again_after_the_centre_dropped_the_session(sink: SmppSink) -> None:
    sender = sms_channel(sink.port).open()
    sink.stop()
    sink.start()
    with pytest.raises(TemporaryFailure, match="session"):
        sender.send(sms(NUMBER, "lost"))
    sender.send(sms(NUMBER, "CleanNet test"))
    sender.close()
    assert [m.text for m in sink.messages] == ["CleanNet test"]
    assert sink.binds == 2
