"""The scorer's word and suffix lists, as data (the suffix lists live in ``suffix_lists``
and are re-exported here).

- ``STRONG_LURE_WORDS``: words fakes glue to a brand to make a visitor act (log in, verify,
  claim a refund). Vietnamese (without marks) from the press warnings and English ones.
- ``WEAK_LURE_WORDS``: words that also appear in the brands' own names (``app``, ``online``,
  ``vn``): they complete a brand label (``vietcombank-app``) but are no signal on their own.
- ``COMMON_WORDS``: ordinary English and Vietnamese words that names are built from (``shop``,
  ``store``, ``game``, ``cafe``, ``dienluc``) and country codes. With the lure words they let the
  scorer cut a label into words: ``tikishop`` is the brand plus a word, ``tikiwiki`` is not, and
  a word of the list is never taken for a typo of a brand (``arena`` is no ``garena``).
- ``RISKY_SUFFIXES``: public suffixes where registration is cheap and fakes cluster (cheap
  gTLDs; ``id.vn``, ``io.vn``, ``ai.vn``, the cheap .vn second levels).
- ``GOVERNMENT_SUFFIXES``: public suffixes only government bodies can register under
  (``gov.vn``): a name there is no fake whatever words it holds (``dichvucong.hanoi.gov.vn``).
- ``SUFFIX_TRICKS``: registrable domains that look like a suffix but are not one: under
  ``vn.com`` a fake looks like ``vietcombank.vn.com`` while the owner of ``vn.com`` controls it.
- ``GENERIC_COUNTRY_SUFFIXES``: country-code top-level domains sold worldwide as generic ones
  (``co``, ``io``, ``me`` …); other two-letter ones name a country, and a typo of a brand under
  them is more likely that country's own name (``mbank.pl``).
- ``HOSTING_SUFFIXES``: hosting platforms in the Public Suffix List's private section (each
  customer gets a registrable domain); ``HOSTING_DOMAINS``: platforms that are not in it and
  hand out subdomains of their own registrable domain (``cskh-evnspc.vn.aptoide.com``).
"""

from __future__ import annotations

from cleannet.engines.lookalike.suffix_lists import (
    GENERIC_COUNTRY_SUFFIXES,
    GOVERNMENT_SUFFIXES,
    HOSTING_DOMAINS,
    HOSTING_SUFFIXES,
    RISKY_SUFFIXES,
    SUFFIX_TRICKS,
)

__all__ = [
    "COMMON_WORDS",
    "GENERIC_COUNTRY_SUFFIXES",
    "GOVERNMENT_SUFFIXES",
    "HOSTING_DOMAINS",
    "HOSTING_SUFFIXES",
    "RISKY_SUFFIXES",
    "STRONG_LURE_WORDS",
    "SUFFIX_TRICKS",
    "WEAK_LURE_WORDS",
]

STRONG_LURE_WORDS = frozenset(
    {
        # Vietnamese, marks dropped
        "dangnhap",
        "xacminh",
        "xacthuc",
        "hotro",
        "cskh",
        "khuyenmai",
        "doidiem",
        "tichdiem",
        "hoantien",
        "tindung",
        "vay",
        "vaytien",
        "nganhang",
        "ebank",
        "ebanking",
        "ibanking",
        "ibank",
        "digibank",
        "smartbanking",
        "quatang",
        "tangqua",
        "trungthuong",
        "uudai",
        "nhanqua",
        "nhanthuong",
        "baohiem",
        "hoanthue",
        "capnhat",
        "kichhoat",
        "dongbo",
        "dinhdanh",
        "taikhoan",
        "matkhau",
        "thanhtoan",
        "giaodich",
        "chuyentien",
        "naptien",
        "rutien",
        "ruttien",
        "saoke",
        "moithe",
        "mothe",
        "nangcap",
        "nanghanmuc",
        "hanmuc",
        "thuong",
        "tienthuong",
        "hoadon",
        "tiendien",
        "khieunai",
        "dichvu",
        "chamsoc",
        "khachhang",
        "chamsockhachhang",
        "sinhnhat",
        "taichinh",
        "vayvon",
        "giaingan",
        "hoantra",
        "tinchap",
        "vaytinchap",
        "rutvon",
        "nhantien",
        "napthe",
        "tuyendung",
        "vieclam",
        "visa",
        "mastercard",
        # card and loan campaigns (Viettel Threat Intelligence, 2023: "dichvu", "canhan",
        # "uutien", "visa" in the names)
        "canhan",
        "khcn",
        "uutien",
        "dangky",
        "tanghanmuc",
        "nanghang",
        "thechap",
        "debit",
        # English
        "login",
        "logon",
        "signin",
        "secure",
        "security",
        "verify",
        "verification",
        "account",
        "accounts",
        "update",
        "support",
        "helpdesk",
        "help",
        "service",
        "services",
        "customer",
        "care",
        "auth",
        "authentication",
        "confirm",
        "unlock",
        "recovery",
        "reward",
        "rewards",
        "bonus",
        "gift",
        "promo",
        "refund",
        "wallet",
        "payment",
        "pay",
        "bank",
        "banking",
        "card",
        "cards",
        "cash",
        "cashback",
        "credit",
        "loan",
        "otp",
        "kyc",
        "alert",
        "notice",
        "billing",
        "invoice",
        "claim",
        "free",
        "win",
        "lucky",
    }
)

WEAK_LURE_WORDS = frozenset(
    {
        "app",
        "apps",
        "online",
        "web",
        "net",
        "new",
        "vn",
        "vietnam",
        "viet",
        "my",
        "mobile",
        "mobi",
        "official",
        "chinhhang",
        "chinhthuc",
        "home",
        "site",
        "portal",
        "digital",
        "group",
        "247",
        "24h",
        "365",
        "www",
        "id",
        "info",
        "news",
        "hcm",
        "hn",
        "center",
        "centre",
        "smart",
        "smartbank",
        "pro",
        "vip",
        "plus",
        "max",
        "prime",
        "premium",
        "global",
        "express",
        "hotline",
        "tructuyen",
        "the",
        "24",
        "gov",
    }
)

# Country codes and ordinary words (no marks) that names are built from; not lure words.
COMMON_WORDS = frozenset(
    """
    us uk sg kr jp cn th hk tw au asia intl com org co
    shop shops store stores mall malls market sale sales deal deals buy sell order orders
    ship shipping delivery food cafe coffee game games gaming play player zone hub club
    world city star stars sun sky top best hot now today fast easy quick one two gold
    tech soft software tv news media live event events voucher vouchers coupon rating
    ratings review reviews job jobs career careers work money finance fund invest capital
    fire free freefire mobile phone phones shopping travel tour tours hotel
    service team life love happy good big king queen box link page net line lines
    giare giasoc sieure chinhhang sukien dienluc dientu tunguyen vi nap mua ban
    nhan tien qua may giaohang banhang muasam vaytieudung xe oto thethao
    arena banks
    tang thang nhanh sodo hethong baohanh trungtam ctv hanoi saigon
    video technology diamond platinum
    """.split()  # noqa: SIM905 - a word list reads better as text
)
