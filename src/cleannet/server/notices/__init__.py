"""Notices: reports to network owners (hub) and warnings to infected subscribers (node).

Every message goes through one transactional outbox (``outbox.py``): it is written in the
same transaction as the ticket that asks for it, claimed by workers, retried with backoff,
and carries an idempotency key (the e-mail's Message-ID) so that it is never lost and a
resend after a crash is recognisably the same message. Channels (``channels/``) are small
modules behind one interface: e-mail (SMTP), SMS (SMPP 3.4) and the walled-garden page.
"""
