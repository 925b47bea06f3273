"""SMS through an SMS centre over SMPP 3.4 (smpplib), bound as a transmitter.

A text that fits the GSM 7-bit alphabet goes as such (153 characters a part when split);
anything else, Vietnamese with its diacritics, goes as UCS-2 (67 characters a part). A long
text is sent as concatenated parts with a user data header, so the phone shows one message.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import smpplib.client
import smpplib.consts as consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.phone import normalise_phone
from cleannet.server.config_notices import SmppSettings
from cleannet.server.notices.channels.base import (
    InvalidRecipient,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)

__all__ = ["SmsChannel", "SmsSender", "encode_sms", "normalise_mobile", "status_name"]

_STATUS_NAMES: dict[int, str] = {
    value: name.removeprefix("SMPP_")
    for name, value in vars(consts).items()
    if name.startswith("SMPP_ESME_") and isinstance(value, int)
}
# Statuses worth trying again later: the centre is busy or broken, not our message.
_TEMPORARY_STATUSES = frozenset(
    {consts.SMPP_ESME_RTHROTTLED, consts.SMPP_ESME_RMSGQFUL, consts.SMPP_ESME_RSYSERR, 0x64}
)  # 0x64 ESME_RX_T_APPN: "temporary application error"
_UDH_LENGTH = 6
_PROVIDER_ID_LENGTH = 100
_SHORT_CODE_DIGITS = 8
_ESCAPE = 0x1B


def status_name(status: int) -> str:
    """``ESME_RINVDSTADR`` for 0x0B; ``status 0x…`` for a code SMPP 3.4 does not name."""
    return _STATUS_NAMES.get(status, f"status 0x{status:08x}")


def normalise_mobile(recipient: str) -> str:
    """Return a Vietnamese mobile number as ``+84…`` (old eleven-digit numbers renumbered).

    Raises ``InvalidRecipient`` for anything ``normalise_phone`` refuses and for landlines.
    """
    try:
        number = normalise_phone(recipient)
    except InvalidIndicator as error:
        raise InvalidRecipient(f"The number {error.reason}.") from None
    if number.startswith("+842"):  # landline area codes all start with 2
        raise InvalidRecipient("The number is a landline, which cannot receive SMS.")
    return number


def _text(body: str) -> str:
    # NFC so 'ệ' is one character, not three; control characters other than line breaks would
    # be sent as GSM escape codes or garbage.
    text = unicodedata.normalize("NFC", body)
    return "".join(char for char in text if char in "\n\r" or unicodedata.category(char) != "Cc")


def _chunks(encoded: bytes, coding: int, size: int) -> list[bytes]:
    """Split without cutting a GSM escape pair or a UTF-16 surrogate pair in two (each part
    must decode on its own on the phone), which smpplib's equal-size split may do."""
    chunks, start = [], 0
    while start < len(encoded):
        end = min(start + size, len(encoded))
        if end < len(encoded):
            if coding == consts.SMPP_ENCODING_DEFAULT and encoded[end - 1] == _ESCAPE:
                end -= 1
            elif coding == consts.SMPP_ENCODING_ISO10646 and 0xD8 <= encoded[end - 2] <= 0xDB:
                end -= 2
        chunks.append(encoded[start:end])
        start = end
    return chunks


def encode_sms(body: str) -> tuple[list[bytes], int, int]:
    """Return (parts, data_coding, esm_class): GSM 7-bit (one septet a byte) when the text
    allows, else UCS-2; parts of a long text carry the concatenation header (UDHI)."""
    text = _text(body)
    # smpplib's GSM table has '`' as a filler, which would arrive as '§': send such text as UCS-2.
    coding = consts.SMPP_ENCODING_ISO10646 if "`" in text else consts.SMPP_ENCODING_DEFAULT
    parts, coding, esm_class = smpplib.gsm.make_parts(text, coding)
    if len(parts) == 1:
        return parts, coding, esm_class
    encoded = b"".join(part[_UDH_LENGTH:] for part in parts)
    size = len(parts[0]) - _UDH_LENGTH
    header = parts[0][: _UDH_LENGTH - 2]  # 05 00 03 <reference>
    chunks = _chunks(encoded, coding, size)
    if len(chunks) > 255:
        raise smpplib.exceptions.MessageTooLong()
    return (
        [header + bytes([len(chunks), n]) + c for n, c in enumerate(chunks, 1)],
        coding,
        esm_class,
    )


def _source(address: str) -> dict[str, Any]:
    digits = address.removeprefix("+")
    if not digits.isdigit():
        return {"source_addr_ton": consts.SMPP_TON_ALNUM, "source_addr_npi": consts.SMPP_NPI_UNK}
    if len(digits) <= _SHORT_CODE_DIGITS and not address.startswith("+"):
        return {"source_addr_ton": consts.SMPP_TON_NWSPEC, "source_addr_npi": consts.SMPP_NPI_UNK}
    return {"source_addr_ton": consts.SMPP_TON_INTL, "source_addr_npi": consts.SMPP_NPI_ISDN}


def _failure(status: int, stage: str) -> TemporaryFailure | PermanentFailure:
    reason = f"the SMS centre refused the {stage}: {status_name(status)}"
    if status in _TEMPORARY_STATUSES:
        return TemporaryFailure(reason)
    return PermanentFailure(reason)


class SmsSender:
    """One bound transmitter session; a lost session is bound again on the next ``send``."""

    def __init__(self, channel: SmsChannel) -> None:
        self._channel = channel
        self._client: smpplib.client.Client | None = channel.bind()

    def send(self, message: OutgoingMessage) -> str:
        """Send every part; return the centre's message ids joined by ',' (the first alone
        when they would not fit 100 characters).

        A failure after some parts went out fails the message as a whole: a retry sends every
        part again, which the phone shows as a repeated beginning, not a lost end.
        """
        try:
            parts, coding, esm_class = encode_sms(message.body)
        except smpplib.exceptions.MessageTooLong:
            raise PermanentFailure("the text needs more than 255 SMS parts") from None
        if self._client is None:
            self._client = self._channel.bind()
        ids = [self._submit(message.recipient, part, coding, esm_class) for part in parts]
        joined = ",".join(ids)
        return joined if len(joined) <= _PROVIDER_ID_LENGTH else ids[0][:_PROVIDER_ID_LENGTH]

    def _submit(self, recipient: str, part: bytes, coding: int, esm_class: int) -> str:
        client = self._client
        assert client is not None
        source = self._channel.settings.source_addr
        try:
            pdu = client.send_message(
                **_source(source),
                source_addr=source.removeprefix("+"),
                dest_addr_ton=consts.SMPP_TON_INTL,
                dest_addr_npi=consts.SMPP_NPI_ISDN,
                destination_addr=recipient.removeprefix("+"),
                short_message=part,
                data_coding=coding,
                esm_class=esm_class,
                registered_delivery=consts.SMPP_SMSC_DELIVERY_RECEIPT_BOTH,
            )
            response = self._response_to(client, pdu.sequence)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as error:
            self.close()
            raise TemporaryFailure(f"the session with the SMS centre failed: {error!r}") from None
        if response.is_error():
            raise _failure(int(response.status), "message")
        message_id = response.message_id or b""
        return message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else ""

    def _response_to(self, client: smpplib.client.Client, sequence: int) -> Any:
        while True:
            pdu = client.read_pdu()
            if pdu.command == "enquire_link":
                answer = smpplib.smpp.make_pdu("enquire_link_resp", client=client)
                answer.sequence = pdu.sequence
                client.send_pdu(answer)
            elif pdu.command == "generic_nack" or (
                pdu.command == "submit_sm_resp" and pdu.sequence == sequence
            ):
                return pdu
            elif pdu.command == "unbind":
                raise smpplib.exceptions.ConnectionError("the SMS centre unbound the session")

    def close(self) -> None:
        """Unbind and disconnect; a session that is already gone is fine."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.state != consts.SMPP_CLIENT_STATE_CLOSED:
                client.unbind()
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
            pass  # unbinding is a courtesy; the socket is closed below either way
        client.disconnect()


class SmsChannel:
    """SMS to Vietnamese mobile numbers through the configured SMS centre."""

    name = "sms"

    def __init__(self, settings: SmppSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls) -> SmsChannel:
        """The SMS centre of ``CLEANNET_NOTICES.smpp``."""
        from django.conf import settings

        return cls(settings.CLEANNET_NOTICES.smpp)

    def normalise(self, recipient: str) -> str:
        """See ``normalise_mobile``."""
        return normalise_mobile(recipient)

    def open(self) -> SmsSender:
        """Connect and bind; raises ``TemporaryFailure`` when that fails."""
        return SmsSender(self)

    def bind(self) -> smpplib.client.Client:
        """Connect and bind as a transmitter.

        A refused bind (wrong system_id or password) is temporary like a centre that is down:
        it is the site's configuration, the same for every recipient.
        """
        where = f"{self.settings.host}:{self.settings.port}"
        client = smpplib.client.Client(
            self.settings.host,
            self.settings.port,
            timeout=self.settings.timeout,
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            client.bind_transmitter(
                system_id=self.settings.system_id,
                password=self.settings.password,
                system_type=self.settings.system_type,
            )
        except smpplib.exceptions.PDUError as error:
            client.disconnect()
            status = error.args[1] if len(error.args) > 1 else -1
            reason = f"the SMS centre {where} refused the bind: {status_name(int(status))}"
            raise TemporaryFailure(reason) from None
        except (smpplib.exceptions.ConnectionError, OSError) as error:
            client.disconnect()
            raise TemporaryFailure(
                f"the SMS centre {where} could not be reached: {error!r}"
            ) from None
        return client
