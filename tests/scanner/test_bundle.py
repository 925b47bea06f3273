"""Signed bundles: what the hub signs is exactly what the scanner gets, or it is refused."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cleannet.scanner.bundle import (
    MAGIC,
    BadSignature,
    BundleError,
    Malformed,
    RolledBack,
    Tampered,
    build_bundle,
    check_integrity,
    compare_versions,
    generate_private_key_pem,
    key_id,
    load_private_key,
    public_key_pem,
    read_manifest,
    verify_bundle,
)

FILES = {
    "hash-iocs.txt": b"0123456789abcdef0123456789abcdef;Test.Hash\n",
    "c2-iocs.txt": b"# Test C2\n127.0.0.1\n",
    "test.yar": b'rule t { strings: $a = "cleannet-test" condition: $a }\n',
}


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def public(key: Ed25519PrivateKey) -> bytes:
    return public_key_pem(key)


def test_it_verifies_what_it_built_with_the_public_key(key, public) -> None:
    bundle = verify_bundle(build_bundle(FILES, "20260415.2", key), public)
    assert bundle.version == "20260415.2"
    assert bundle.files == FILES
    assert bundle.key_id == key_id(public)
    assert [entry.name for entry in bundle.manifest] == sorted(FILES)
    assert bundle.manifest[0].sha256 == hashlib.sha256(FILES["c2-iocs.txt"]).hexdigest()


def test_it_accepts_the_public_key_as_raw_bytes_or_hex(key) -> None:
    blob = build_bundle(FILES, "1", key)
    raw = key.public_key().public_bytes_raw()
    assert verify_bundle(blob, raw).files == FILES
    assert verify_bundle(blob, raw.hex().encode()).files == FILES


def test_it_refuses_a_flipped_byte_in_a_file_as_tampered(key, public) -> None:
    blob = bytearray(build_bundle(FILES, "1", key))
    blob[-3] ^= 0x01  # inside the last file (test.yar)
    with pytest.raises(Tampered, match=r"test\.yar: SHA-256 differs"):
        verify_bundle(bytes(blob), public)


@pytest.mark.parametrize("position", range(len(MAGIC) + 4, 200, 7))
def test_it_refuses_any_flipped_byte_in_the_signed_part(key, public, position) -> None:
    blob = bytearray(build_bundle(FILES, "1", key))
    blob[position] ^= 0x20
    with pytest.raises(BundleError):
        verify_bundle(bytes(blob), public)


def test_it_refuses_an_altered_manifest_as_a_bad_signature(key, public) -> None:
    blob = build_bundle(FILES, "1", key)
    forged = blob.replace(b'"version":"1"', b'"version":"9"')
    assert forged != blob
    with pytest.raises(BadSignature, match="altered manifest"):
        verify_bundle(forged, public)


def test_it_refuses_a_bundle_signed_with_another_key(key, public) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(BadSignature, match=f"claims key {key_id(other.public_key())}"):
        verify_bundle(build_bundle(FILES, "1", other), public)


def test_it_refuses_appended_or_cut_bytes(key, public) -> None:
    blob = build_bundle(FILES, "1", key)
    with pytest.raises(Tampered, match="1 bytes extra"):
        verify_bundle(blob + b"x", public)
    with pytest.raises(Tampered, match="5 bytes missing"):
        verify_bundle(blob[:-5], public)


def test_it_refuses_an_older_version_than_the_one_in_use(key, public) -> None:
    blob = build_bundle(FILES, "20260415.9", key)
    with pytest.raises(RolledBack, match=r"older than 20260415\.10"):
        verify_bundle(blob, public, min_version="20260415.10")
    assert verify_bundle(blob, public, min_version="20260415.9").version == "20260415.9"


def test_it_compares_versions_numerically_part_by_part() -> None:
    assert compare_versions("20260415.10", "20260415.9") == 1
    assert compare_versions("20260414.99", "20260415.1") == -1
    assert compare_versions("7", "7") == 0


@pytest.mark.parametrize("version", ["", "v1", "1..2", "1.-2", "2026-04-15", "1.2.3.4.5"])
def test_it_refuses_a_version_that_is_not_numbers(key, version) -> None:
    with pytest.raises(Malformed, match="version"):
        build_bundle(FILES, version, key)


@pytest.mark.parametrize(
    "name", ["../evil.yar", "rules/a.yar", "..yar", ".hidden", "a\\b.yar", "", "x" * 200]
)
def test_it_refuses_a_file_name_with_a_path_in_it(key, name) -> None:
    with pytest.raises(Malformed, match="file name"):
        build_bundle({name: b"x"}, "1", key)


def _signed_manifest(key: Ed25519PrivateKey, manifest: dict, body: bytes) -> bytes:
    data = json.dumps(manifest).encode()
    signature = key.sign(b"cleannet-scanner-bundle-v1\x00" + data)
    return MAGIC + struct.pack(">I", len(data)) + data + signature + body


def test_it_refuses_a_signed_manifest_naming_a_path(key, public) -> None:
    manifest = {
        "format": 1,
        "version": "1",
        "created_at": "2026-04-15T00:00:00Z",
        "key_id": key_id(key.public_key()),
        "files": [{"name": "../x", "size": 1, "sha256": hashlib.sha256(b"x").hexdigest()}],
    }
    with pytest.raises(Malformed, match=r"file name '\.\./x'"):
        verify_bundle(_signed_manifest(key, manifest, b"x"), public)


@pytest.mark.parametrize(
    "blob",
    [b"", b"PK\x03\x04 a zip", MAGIC, MAGIC + b"\x00\x00\x00\x10{}", MAGIC + b"\xff\xff\xff\xff"],
)
def test_it_calls_garbage_malformed(public, blob) -> None:
    with pytest.raises(Malformed):
        verify_bundle(blob, public)


def test_it_refuses_a_bundle_over_the_size_limit(key, public) -> None:
    blob = build_bundle(FILES, "1", key)
    with pytest.raises(Malformed, match="at most 100"):
        verify_bundle(blob, public, max_bytes=100)


def test_it_loads_a_pem_or_raw_private_key() -> None:
    pem = generate_private_key_pem()
    key = load_private_key(pem)
    raw = key.private_bytes_raw()
    assert load_private_key(raw).public_key().public_bytes_raw() == (
        key.public_key().public_bytes_raw()
    )
    with pytest.raises(Malformed, match="signing key"):
        load_private_key(b"not a key")


def test_it_checks_integrity_without_the_key_but_not_a_changed_file(key) -> None:
    blob = build_bundle(FILES, "3", key)
    assert check_integrity(blob).files == FILES
    assert read_manifest(blob)["version"] == "3"
    with pytest.raises(Tampered):
        check_integrity(blob[:-1] + b"!")
