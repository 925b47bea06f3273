"""Personal-data breach notices: an organisation tells the authority within 72 hours.

Law 91/2025/QH15 Art. 23 and Decree 356/2025 (in force since 2026-01-01) ask the data
controller to notify the authority (A05) within 72 hours of *discovering* a breach, and to
give the reason when the notice is late. An organisation's member drafts and files a
``BreachNotice``; its clock (``clock.deadline_clock``) runs from ``discovered_at``; analysts
acknowledge, ask for more (a ``NoticeMessage`` the organisation answers) and close it.

The door is ``cleannet.server.breachnotices.services`` (``save_draft``, ``file_notice``,
``acknowledge``, ``request_follow_up``, ``answer_follow_up``, ``close_notice``; each writes
an audit entry) and ``reminders.send_due_reminders`` (run by ``tasks``). Models are read
directly and written only through those functions.
"""
