"""The report channel: the public's reports with tracking numbers, and the analysts' triage."""
