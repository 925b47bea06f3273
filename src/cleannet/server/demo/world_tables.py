"""What each kind of demo event looks like: which families, ports, paths and products.

Weights are relative. They follow what national CERTs in the region report: IoT botnets
dominate ISP networks, office malware follows the working week, a handful of commodity
RATs and stealers dominate C2 feeds.
"""

from __future__ import annotations

# Families seen by sinkholes on subscriber lines.
SINKHOLE_IOT = (("Mirai", 0.48), ("Mozi", 0.38), ("Gafgyt", 0.14))
SINKHOLE_PC = (
    ("Emotet", 10), ("Qakbot", 6), ("AgentTesla", 8), ("Formbook", 6), ("RedLine", 8),
    ("Lumma", 9), ("njRAT", 8), ("AsyncRAT", 6), ("Remcos", 4), ("IcedID", 3), ("Dridex", 2),
    ("XMRig", 8), ("Vidar", 4), ("SmokeLoader", 6), ("Cobalt Strike", 1),
)  # fmt: skip

# Honeypots see IoT bots trying to spread; in a wave Mozi catches up with Mirai.
HONEYPOT_IOT = (("Mirai", 0.5), ("Mozi", 0.35), ("Gafgyt", 0.15))
WAVE_IOT = (("Mirai", 0.45), ("Mozi", 0.45), ("Gafgyt", 0.1))
# 37215 is the Huawei HG532 UPnP port of CVE-2017-17215, which Mirai variants and Mozi exploit.
IOT_SPREAD_PORTS = ((23, 0.5), (2323, 0.25), (37215, 0.25))

# C2 feeds: ThreatFox sees commodity RATs and stealers, Feodo Tracker the banking botnets.
THREATFOX = (
    ("Cobalt Strike", 20), ("AsyncRAT", 12), ("Remcos", 10), ("njRAT", 8), ("RedLine", 8),
    ("Lumma", 10), ("Vidar", 6), ("AgentTesla", 5), ("Formbook", 3), ("SmokeLoader", 4),
    ("Mirai", 6), ("Gafgyt", 3), ("LockBit", 1),
)  # fmt: skip
FEODOTRACKER = (("Emotet", 40), ("Qakbot", 25), ("Dridex", 15), ("IcedID", 20))

# ThreatFox names families the Malpedia way; CleanNet folds these onto the family names.
MALPEDIA = {
    "Cobalt Strike": "win.cobalt_strike", "AsyncRAT": "win.asyncrat", "Remcos": "win.remcos",
    "njRAT": "win.njrat", "RedLine": "win.redline_stealer", "Lumma": "win.lumma",
    "Vidar": "win.vidar", "AgentTesla": "win.agent_tesla", "Formbook": "win.formbook",
    "SmokeLoader": "win.smokeloader", "Mirai": "elf.mirai", "Gafgyt": "elf.bashlite",
    "LockBit": "win.lockbit",
}  # fmt: skip

# Ports C2 servers of each family listen on (first is the most common).
C2_PORTS: dict[str, tuple[int, ...]] = {
    "Emotet": (443, 8080, 7080), "Qakbot": (443, 995, 2222), "Dridex": (443, 691, 3389),
    "IcedID": (443,), "Cobalt Strike": (443, 80, 8443), "AsyncRAT": (6606, 7707, 8808),
    "njRAT": (5552, 1177), "Remcos": (2404, 443), "AgentTesla": (587,), "RedLine": (80, 443),
    "Lumma": (443,), "Vidar": (443, 80), "SmokeLoader": (80,), "Formbook": (80,),
    "Mirai": (23, 48101), "Gafgyt": (666, 6667), "LockBit": (443,), "XMRig": (3333, 443),
}  # fmt: skip

URLHAUS = (
    ("Mozi", 30), ("Mirai", 25), ("Gafgyt", 8), ("AgentTesla", 6), ("Formbook", 5),
    ("Remcos", 5), ("AsyncRAT", 4), ("Lumma", 5), ("SmokeLoader", 4), ("XMRig", 4),
    ("RedLine", 3), ("Vidar", 1),
)  # fmt: skip
# What infected routers serve to the next victim: the bot binary for each CPU.
IOT_PAYLOADS: dict[str, tuple[str, ...]] = {
    "Mozi": ("Mozi.m", "Mozi.a", "i", "bin.sh"),
    "Mirai": ("bins/mirai.arm7", "bins/mirai.mips", "bins/mirai.x86", "bins/sora.arm"),
    "Gafgyt": ("bins/gaf.mips", "bins/gaf.arm", "jaws.sh"),
}
PC_PAYLOADS = (
    "files/invoice_{n}.zip", "download/setup_{n}.exe", "wp-content/uploads/2025/{m:02d}/doc{n}.js",
    "tai-lieu/hoa-don-{n}.rar", "update/chrome_update_{n}.msi", "cv/ung-vien-{n}.iso",
)  # fmt: skip
# Hosts that serve malware: compromised or throw-away sites, all under reserved names.
HOST_WORDS = (
    "tin-tuc", "khuyen-mai", "cdn", "files", "update", "ketoan", "giao-hang", "hoa-don",
    "tai-lieu", "media", "static", "share", "drive", "secure", "portal",
)  # fmt: skip
HOST_SUFFIXES = ((".example", 0.7), (".invalid", 0.3))

# (vendor, product, vulnerability): real CVEs exploited against devices on home lines.
VULNERABLE_PRODUCTS = (
    ("Hikvision", "IP camera", "cve-2021-36260"),
    ("TP-Link", "Archer AX21", "cve-2023-1389"),
    ("Zyxel", "USG FLEX firewall", "cve-2022-30525"),
    ("Fortinet", "FortiOS SSL-VPN", "cve-2018-13379"),
    ("Ivanti", "Connect Secure", "cve-2024-21887"),
    ("D-Link", "DNS-320L NAS", "cve-2024-3273"),
)
HTTP_PORTS = ((80, 0.5), (8080, 0.3), (443, 0.12), (8443, 0.08))

# What honeypot scans look for: (port, application, weight).
SCAN_TARGETS = (
    (22, "ssh", 0.3), (23, "telnet", 0.2), (445, "smb", 0.15), (3389, "rdp", 0.1),
    (5555, "adb", 0.08), (8080, "http", 0.07), (6379, "redis", 0.05), (1433, "mssql", 0.05),
)  # fmt: skip
