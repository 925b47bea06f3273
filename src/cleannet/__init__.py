"""CleanNet: a national platform against malware and personal-data leakage."""

__version__ = "0.1.0"
