"""The node's settings: read once with the others, refused at start-up with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.core.errors import ConfigurationError
from cleannet.server.config import load_config


@pytest.fixture
def node_env(tmp_path: Path) -> dict[str, str]:
    return {
        "CLEANNET_DEBUG": "0",
        "CLEANNET_SECRET_KEY": "k" * 40,
        "CLEANNET_NODE_HUB_URL": "https://hub.example.gov.vn/",
        "CLEANNET_NODE_HUB_TOKEN": "cn_token",
        "CLEANNET_NODE_LOG_DIR": str(tmp_path / "logs"),
        "CLEANNET_NODE_LOG_FORMAT": "zeek-dns",
        "CLEANNET_NODE_LEASE_DIR": str(tmp_path / "leases"),
        "CLEANNET_NODE_LEASE_FORMAT": "radius",
    }


def test_it_is_not_a_node_without_a_hub_url() -> None:
    node = load_config({"CLEANNET_DEBUG": "1", "CLEANNET_NODE_LOG_FORMAT": "nonsense"}).node
    assert not node.is_node
    assert node.log_format == ""  # the other node keys are not read


def test_it_reads_a_node_with_its_defaults(node_env, tmp_path: Path) -> None:
    node = load_config(node_env).node

    assert node.is_node
    assert node.hub_url == "https://hub.example.gov.vn"
    assert (node.log_dir, node.lease_dir) == (tmp_path / "logs", tmp_path / "leases")
    assert (node.log_glob, node.cgnat_dir, node.tz) == ("*", None, "")
    assert (node.engine, node.memory_limit, node.schedule, node.lookback_days) == (
        "duckdb", "2GB", "60", 7,
    )  # fmt: skip


def test_it_reads_the_hub_token_from_a_file(node_env, tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("cn_from_file\n")
    del node_env["CLEANNET_NODE_HUB_TOKEN"]
    node_env["CLEANNET_NODE_HUB_TOKEN_FILE"] = str(secret)

    assert load_config(node_env).node.hub_token == "cn_from_file"


def test_it_reads_a_crontab_schedule(node_env) -> None:
    node_env["CLEANNET_NODE_SCHEDULE"] = "30  1 * * *"
    assert load_config(node_env).node.schedule == "30 1 * * *"


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("CLEANNET_NODE_HUB_TOKEN", "", "required when CLEANNET_NODE_HUB_URL is set"),
        ("CLEANNET_NODE_LOG_DIR", " ", "required when CLEANNET_NODE_HUB_URL is set"),
        ("CLEANNET_NODE_HUB_URL", "ftp://hub.example", "is not an http\\(s\\) URL"),
        ("CLEANNET_NODE_HUB_URL", "http://hub.example", "use https"),
        ("CLEANNET_NODE_LOG_FORMAT", "syslog", "'syslog' is not one of .*zeek-dns"),
        ("CLEANNET_NODE_LOG_FORMAT", "csv", "'csv' is not one of"),
        ("CLEANNET_NODE_LEASE_FORMAT", "ldap", "'ldap' is not one of .*radius"),
        ("CLEANNET_NODE_ENGINE", "pandas", "'pandas' is not one of duckdb, spark"),
        ("CLEANNET_NODE_TZ", "Mars/Olympus", "not a known time zone"),
        ("CLEANNET_NODE_MEMORY_LIMIT", "lots", "not a size like 4GB"),
        ("CLEANNET_NODE_SCHEDULE", "0", "outside 1–10080"),
        ("CLEANNET_NODE_SCHEDULE", "61 * * * *", "field minute"),
        ("CLEANNET_NODE_LOOKBACK_DAYS", "-1", "not a whole number"),
    ],
)
def test_it_refuses_a_bad_node_setting_naming_the_key(node_env, key, value, reason) -> None:
    node_env[key] = value
    with pytest.raises(ConfigurationError, match=f"{key}: .*{reason}"):
        load_config(node_env)


def test_it_allows_plain_http_to_a_hub_on_the_loopback(node_env) -> None:
    node_env["CLEANNET_NODE_HUB_URL"] = "http://[::1]:8000"
    assert load_config(node_env).node.hub_url == "http://[::1]:8000"


def test_it_refuses_a_hub_url_on_the_hub_itself(node_env) -> None:
    node_env["CLEANNET_SITE_ROLE"] = "hub"
    with pytest.raises(ConfigurationError, match="CLEANNET_NODE_HUB_URL: a hub is not a node"):
        load_config(node_env)
