"""Threat-intelligence exchange out: a read-only TAXII 2.1 server, MISP feed, CSV and JSONL.

The door is ``cleannet.server.exchange.services`` (the export functions that views, the
CLI and tests call). The app has no models: it reads intel, networks and accounts.
"""
