"""Cleanup campaigns: the authority launches them, ISPs accept and act on them, a daily
snapshot per campaign, ISP and family measures them against the baseline fixed at launch."""
