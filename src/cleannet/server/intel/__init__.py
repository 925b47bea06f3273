"""Threat intelligence: malware families, feeds and runs, indicators, attributed events.

The door is ``cleannet.server.intel.services``; models are read directly, written only
through services.
"""
