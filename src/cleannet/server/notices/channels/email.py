"""E-mail through the site's SMTP relay: one SMTP session per ``Sender``, our own Message-ID.

smtplib is used directly rather than Django's e-mail backend because the outbox needs the
Message-ID verbatim (it is the idempotency key) and needs to tell a refused recipient (5xx on
RCPT or DATA: permanent) from a relay that is down or busy (4xx, connection errors: temporary).
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.utils
import functools
import re
import secrets
import smtplib
import ssl
from email.message import Message

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.email import normalise_email
from cleannet.server.notices.channels.base import (
    Attachment,
    InvalidRecipient,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)

__all__ = ["EmailChannel", "EmailSender", "build_email", "email_bytes"]

# After core's normaliser: an ASCII local part (we do not ask relays for SMTPUTF8) and a host
# name domain with at least two labels, in A-labels and lower case.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z0-9]"
)
_PROVIDER_ID_LENGTH = 100
# A plain ASCII subject stays one line below this length (a line may have 998 characters).
_SUBJECT_PLAIN = 900
# 39 bytes → 52 base64 characters + "=?utf-8?b?" and "?=": a folded line stays under 78.
_WORD_BYTES = 39
_NAME = r"[a-z0-9][a-z0-9!#$&^_.+-]*"
# type/subtype with parameters (``text/csv; charset=utf-8``, ``…+json;version=2.1``).
_CONTENT_TYPE = re.compile(rf'{_NAME}/{_NAME}(?:\s*;\s*{_NAME}=(?:{_NAME}|"[^"\r\n]*"))*')
# A session the relay (or the network) ended: worth one new session.
_DROPPED = (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError)


def _refuse(reason: str) -> InvalidRecipient:
    return InvalidRecipient(reason)


def normalise_address(recipient: str) -> str:
    """Return one deliverable address ``local@domain`` (IDNA domain as A-labels, lower case).

    Accepts ``Name <local@domain>``. Raises ``InvalidRecipient`` for a line break, several
    addresses, a malformed address, or a local part that is not ASCII.
    """
    if "\r" in recipient or "\n" in recipient:
        raise _refuse("The address contains a line break.")
    text = recipient.strip()
    if not text:
        raise _refuse("The address is empty.")
    if len([pair for pair in email.utils.getaddresses([text]) if pair[1]]) > 1:
        raise _refuse("Give one address, not several.")
    # What parseaddr cannot read goes to core's normaliser as it is, for a precise reason.
    address = email.utils.parseaddr(text)[1] or text
    try:
        address = normalise_email(address)
    except InvalidIndicator as error:
        raise _refuse(f"The address {error.reason}.") from None
    if not address.partition("@")[0].isascii():
        raise _refuse("The part before the @ has letters outside ASCII, which relays may refuse.")
    if not _ADDRESS.fullmatch(address):
        raise _refuse("The address is not of the form name@domain.example.")
    return address


def email_bytes(message: OutgoingMessage, from_address: str) -> bytes:
    """Return the message as it goes on the wire: 7-bit ASCII, CRLF line ends, UTF-8 text
    (base64), the optional attachment, and the headers the outbox promises (Message-ID
    verbatim, X-CleanNet-Ticket, Auto-Submitted, Content-Language).

    Written out directly: the header set is fixed and every value is ASCII except the
    subject (RFC 2047 encoded words) and the From name. ``EmailMessage`` with
    ``policy.SMTP`` took ~5 ms per notice, the legacy MIME classes ~1 ms; this ~0.1 ms.
    """
    one_line = (message.recipient, message.message_id, message.ticket_ref, message.language)
    if not all(value.isascii() and value.isprintable() for value in one_line):
        # A line break would inject a header; all of these are ASCII by construction.
        raise ValueError("a header value of the notice is not one line of ASCII")
    headers = [
        f"From: {_from_header(from_address)}",
        f"To: {message.recipient}",
        f"Subject: {_subject(message.subject)}",
        f"Date: {email.utils.formatdate(usegmt=True)}",
        f"Message-ID: {message.message_id}",
        f"X-CleanNet-Ticket: {message.ticket_ref}",
        "Auto-Submitted: auto-generated",
        # Keeps Exchange and most autoresponders from answering an automatic notice.
        "X-Auto-Response-Suppress: All",
        f"Content-Language: {message.language}",
        "MIME-Version: 1.0",
    ]
    text = _part('text/plain; charset="utf-8"', _crlf(message.body).encode())
    if message.attachment is None:
        return "\r\n".join(headers).encode() + b"\r\n" + text
    boundary = f"=_cleannet_{secrets.token_hex(16)}"  # base64 lines never start with "--"
    headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    parts = [text, _attachment_part(message.attachment)]
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return (
        "\r\n".join(headers).encode() + b"\r\n\r\n--" + boundary.encode() + b"\r\n"
        + delimiter.join(parts) + f"\r\n--{boundary}--\r\n".encode()
    )  # fmt: skip


def build_email(message: OutgoingMessage, from_address: str) -> Message:
    """``email_bytes`` parsed back into a ``Message``, to look at (tests, the admin)."""
    return email.message_from_bytes(email_bytes(message, from_address))


def _part(content_type: str, data: bytes, *extra: str) -> bytes:
    """One MIME entity (headers, blank line, base64 body in 76-character lines)."""
    head = [f"Content-Type: {content_type}", "Content-Transfer-Encoding: base64", *extra]
    body = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


def _crlf(text: str) -> str:
    # Canonical text form (RFC 2045): CRLF line ends before the base64 encoding.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _subject(subject: str) -> str:
    """One line (a template that left a line break must not inject a header); outside
    ASCII as base64 encoded words of at most 39 bytes, one per folded line (RFC 2047)."""
    subject = " ".join(subject.split())
    if subject.isascii() and "=?" not in subject and len(subject) < _SUBJECT_PLAIN:
        return subject
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in subject:
        width = len(char.encode())
        if size + width > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word.encode()).decode()}?=" for word in words)


def _attachment_part(attachment: Attachment) -> bytes:
    content_type = attachment.content_type.lower()
    if not _CONTENT_TYPE.fullmatch(content_type):
        content_type = "application/octet-stream"
    name = attachment.name
    if name.isascii() and name.isprintable():
        disposition = f'attachment; filename="{email.utils.quote(name)}"'
    else:  # RFC 2231: filename*=utf-8''…
        disposition = f"attachment; filename*={email.utils.encode_rfc2231(name, 'utf-8')}"
    return _part(content_type, attachment.data, f"Content-Disposition: {disposition}")


@functools.lru_cache(maxsize=8)
def _from_header(from_address: str) -> str:
    """``Name <address>`` with a display name outside ASCII encoded (RFC 2047)."""
    name, address = email.utils.parseaddr(from_address)
    if not address:
        raise ValueError(f"the From address {from_address!r} is not an address")
    return email.utils.formataddr((name, address), charset="utf-8")


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _failure(stage: str, code: int, reply: bytes | str) -> TemporaryFailure | PermanentFailure:
    """4xx → temporary; 5xx → permanent on RCPT and DATA (this recipient, this message).

    A refused MAIL FROM is about our sender address or the relay's view of us, not the
    recipient, so it stays temporary unless the relay says the message is too large (552).
    """
    reason = f"{stage} refused by the relay: {code} {_text(reply)}"
    permanent = 500 <= code < 600 and (stage != "MAIL FROM" or code == 552)
    return PermanentFailure(reason) if permanent else TemporaryFailure(reason)


class EmailSender:
    """One SMTP session; ``send`` reconnects once when the relay dropped the session."""

    def __init__(self, channel: EmailChannel) -> None:
        self._channel = channel
        self._smtp: smtplib.SMTP | None = channel.connect()

    def send(self, message: OutgoingMessage) -> str:
        """Send ``message``; return the relay's reply to DATA (its queue id), cut to 100."""
        payload = email_bytes(message, self._channel.from_address)
        try:
            return self._transmit(message.recipient, payload)
        except _DROPPED:
            self.close()
        # The relay may close an idle session at any time; one fresh session is worth a try.
        # (Dropped after DATA but before the reply, the message may arrive twice: with the
        # same Message-ID, which is what makes a resend recognisable.)
        self._smtp = self._channel.connect()
        try:
            return self._transmit(message.recipient, payload)
        except _DROPPED as error:
            self.close()
            raise TemporaryFailure(f"the relay closed the session: {error!r}") from None

    def _transmit(self, recipient: str, payload: bytes) -> str:
        if self._smtp is None:
            self._smtp = self._channel.connect()
        smtp = self._smtp
        try:
            code, reply = smtp.mail(self._channel.envelope_sender)
            self._check(smtp, "MAIL FROM", code, reply, (250,))
            code, reply = smtp.rcpt(recipient)
            self._check(smtp, "RCPT TO", code, reply, (250, 251))
            code, reply = smtp.data(payload)
            self._check(smtp, "DATA", code, reply, (250,))
        except _DROPPED:
            raise
        except smtplib.SMTPResponseException as error:
            self._reset(smtp)
            raise _failure("DATA", error.smtp_code, error.smtp_error) from None
        except OSError as error:
            self.close()
            raise TemporaryFailure(f"the SMTP session failed: {error}") from None
        return _text(reply)[:_PROVIDER_ID_LENGTH]

    def _check(
        self, smtp: smtplib.SMTP, stage: str, code: int, reply: bytes, ok: tuple[int, ...]
    ) -> None:
        if code == -1:  # smtplib's way of saying the connection ended
            raise smtplib.SMTPServerDisconnected(_text(reply))
        if code not in ok:
            self._reset(smtp)
            raise _failure(stage, code, reply)

    @staticmethod
    def _reset(smtp: smtplib.SMTP) -> None:
        # A session that is gone is fine: the next send reconnects.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.rset()

    def close(self) -> None:
        """Say QUIT; a session that is already gone is fine."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class EmailChannel:
    """E-mail through one SMTP relay (STARTTLS and login when configured)."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        starttls: bool,
        timeout: float,
        from_address: str,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self.from_address = from_address
        # MAIL FROM: the bare address, worked out once rather than per message.
        self.envelope_sender = email.utils.parseaddr(from_address)[1]
        self.tls_context = tls_context

    @classmethod
    def from_settings(cls) -> EmailChannel:
        """The relay of Django's EMAIL_* settings and the notices' From address."""
        from django.conf import settings

        return cls(
            host=settings.EMAIL_HOST,
            port=int(settings.EMAIL_PORT),
            user=settings.EMAIL_HOST_USER or "",
            password=settings.EMAIL_HOST_PASSWORD or "",
            starttls=bool(settings.EMAIL_USE_TLS),
            timeout=float(settings.EMAIL_TIMEOUT or 10.0),
            from_address=settings.CLEANNET_NOTICES.from_address or settings.DEFAULT_FROM_EMAIL,
        )

    def normalise(self, recipient: str) -> str:
        """See ``normalise_address``."""
        return normalise_address(recipient)

    def open(self) -> EmailSender:
        """Open a session; raises ``TemporaryFailure`` when the relay is down or refuses us."""
        return EmailSender(self)

    def connect(self) -> smtplib.SMTP:
        """Connect, say EHLO, STARTTLS and log in as configured.

        Every failure here is temporary, a refused login included: it is the site's
        configuration, the same for every recipient, and must not fail their messages for good.
        """
        where = f"{self.host}:{self.port}"
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except smtplib.SMTPResponseException as error:
            raise TemporaryFailure(
                f"the relay {where} refused the connection: {error.smtp_code} "
                f"{_text(error.smtp_error)}"
            ) from None
        except OSError as error:
            raise TemporaryFailure(f"the relay {where} could not be reached: {error}") from None
        try:
            self._start_session(smtp)
        except smtplib.SMTPResponseException as error:
            smtp.close()
            raise TemporaryFailure(
                f"the relay {where} refused the session: {error.smtp_code} "
                f"{_text(error.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            smtp.close()
            raise TemporaryFailure(f"the session with the relay {where} failed: {error}") from None
        return smtp

    def _start_session(self, smtp: smtplib.SMTP) -> None:
        smtp.ehlo()
        if self.starttls:
            smtp.starttls(context=self.tls_context or ssl.create_default_context())
            smtp.ehlo()
        if self.user:
            smtp.login(self.user, self.password)
