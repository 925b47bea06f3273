"""The malware encyclopedia and the authority's alerts and news (with RSS/Atom feeds)."""
