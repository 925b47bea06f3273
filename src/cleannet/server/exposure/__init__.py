"""Exposure scanning in the platform: approved scopes, logged scan runs and their findings.

The engine (``cleannet.engines.exposure``) does the scanning; this app keeps who may be
scanned (``ScanScope``, ``OptOut``), every run (``ScanRun``) and what was found
(``ExposureFinding``), and turns findings into intel events that owner reports pick up.
"""
