"""EmailChannel with STARTTLS and a login, against a relay with a self-signed certificate.

A refused login is a TemporaryFailure: the relay's password is the site's configuration,
the same for every recipient, so it must not fail anybody's message for good (nor count
toward suppressing them); the message is retried until an operator fixes the setting.
"""

from __future__ import annotations

import ssl

import pytest

from cleannet.server.notices.channels.base import TemporaryFailure

from .loopback import PASSWORD, USER, Relay, email_channel, outgoing


def test_it_sends_over_starttls_after_logging_in(
    tls_relay: Relay, client_tls: ssl.SSLContext
) -> None:
    channel = email_channel(
        tls_relay.port, starttls=True, user=USER, password=PASSWORD, tls_context=client_tls
    )
    sender = channel.open()
    sender.send(outgoing())
    sender.close()
    [received] = tls_relay.messages
    assert received["Message-ID"] == outgoing().message_id


def test_it_fails_temporarily_when_the_login_is_refused(
    tls_relay: Relay, client_tls: ssl.SSLContext
) -> None:
    channel = email_channel(
        tls_relay.port, starttls=True, user=USER, password="wrong", tls_context=client_tls
    )
    with pytest.raises(TemporaryFailure, match="refused the session: 535"):
        channel.open()
    assert tls_relay.messages == []


def test_it_fails_temporarily_when_the_certificate_is_not_trusted(tls_relay: Relay) -> None:
    channel = email_channel(tls_relay.port, starttls=True, user=USER, password=PASSWORD)
    with pytest.raises(TemporaryFailure, match="CERTIFICATE_VERIFY_FAILED"):
        channel.open()


def test_it_is_refused_by_a_relay_requiring_tls_when_starttls_is_off(tls_relay: Relay) -> None:
    sender = email_channel(tls_relay.port).open()
    with pytest.raises(TemporaryFailure, match="MAIL FROM refused by the relay: 530"):
        sender.send(outgoing())
    sender.close()
