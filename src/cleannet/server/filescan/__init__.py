"""The online file scan: uploads scanned in a limited worker process, verdicts cached per
(SHA-256, signature version), hash-only look-ups, and a short retention of malicious samples.

Other code calls ``cleannet.server.filescan.services`` only. This package's ``__init__``
imports nothing, so the sandbox worker (``sandbox_worker``) starts without Django.
"""
