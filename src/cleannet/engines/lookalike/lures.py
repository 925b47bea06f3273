"""The words and suffixes fakes are made of: lure words glued to a brand, cheap suffixes.

``DEFAULT_LURE_WORDS`` are what Vietnamese phishing names add to a brand (``dangnhap``,
``xacminh``, ``cskh`` …, written without marks as people type them in a name) and their usual
English companions (``login``, ``secure`` …). ``DEFAULT_TLDS`` are the suffixes such names
are registered under: the cheap generic TLDs phishing kits favour, the brand's own ``com`` /
``net`` / ``org``, and the Vietnamese suffixes, including the cheap ``id.vn``, ``io.vn`` and
``ai.vn`` that the Public Suffix List makes separate registrable domains.

Both are tuples of lower-case ASCII text, without duplicates, in a stable order; the
generator and the scorer both read them.
"""

from __future__ import annotations

__all__ = ["DEFAULT_LURE_WORDS", "DEFAULT_TLDS", "ENGLISH_LURE_WORDS", "VIETNAMESE_LURE_WORDS"]

VIETNAMESE_LURE_WORDS: tuple[str, ...] = (
    "dangnhap",  # đăng nhập: sign in
    "xacminh",  # xác minh: verify
    "xacthuc",  # xác thực: authenticate
    "hotro",  # hỗ trợ: support
    "cskh",  # chăm sóc khách hàng: customer care
    "khuyenmai",  # khuyến mãi: promotion
    "doidiem",  # đổi điểm: redeem points
    "tichdiem",  # tích điểm: collect points
    "hoantien",  # hoàn tiền: refund
    "tindung",  # tín dụng: credit
    "vay",  # loan
    "nganhang",  # ngân hàng: bank
    "ebank",
    "ibanking",
    "digibank",
    "smartbanking",
    "app",
    "online",
    "247",
    "new",
    "vn",
    "uudai",  # ưu đãi: special offer
    "quatang",  # quà tặng: gift
    "nhanqua",  # nhận quà: receive a gift
    "trian",  # tri ân: customer appreciation
    "taikhoan",  # tài khoản: account
    "baomat",  # bảo mật: security
    "capnhat",  # cập nhật: update
    "vietnam",
)

ENGLISH_LURE_WORDS: tuple[str, ...] = (
    "login",
    "signin",
    "secure",
    "security",
    "verify",
    "account",
    "support",
    "update",
    "service",
    "bank",
    "banking",
    "pay",
    "wallet",
    "card",
    "bonus",
    "gift",
    "help",
    "official",
    "my",
    "web",
    "mobile",
)

DEFAULT_LURE_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(VIETNAMESE_LURE_WORDS + ENGLISH_LURE_WORDS)
)
"""Vietnamese lure words first, then English ones; each word once."""

DEFAULT_TLDS: tuple[str, ...] = (
    "com",
    "net",
    "org",
    "info",
    "vn",
    "com.vn",
    "net.vn",
    "id.vn",
    "io.vn",
    "ai.vn",
    "top",
    "xyz",
    "online",
    "site",
    "shop",
    "store",
    "icu",
    "click",
    "vip",
    "cc",
    "me",
    "co",
    "app",
    "live",
    "life",
    "cfd",
    "sbs",
    "lol",
    "asia",
    "buzz",
    "fun",
)
"""Suffixes to register a brand (or brand + lure word) under, cheapest and most abused first
after the brand's usual ``com``/``net``/``org``; every entry is a public suffix."""
