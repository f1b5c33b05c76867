"""SMTP settings: defaults that need nothing, and a clear error naming each bad variable."""

from __future__ import annotations

import pytest

from eventhub.config import ConfigError, load_config


def test_defaults(tmp_path):
    config = load_config(tmp_path, {})
    assert config["SMTP_HOST"] is None  # no server: mails are kept in MAIL_DIR
    assert config["MAIL_DIR"] == tmp_path / "mail"
    assert config["SMTP_PORT"] == 25
    assert config["SMTP_FROM"] == "eventhub <noreply@eventhub.invalid>"
    assert config["SMTP_USERNAME"] is None
    assert config["SMTP_PASSWORD"] is None
    assert config["SMTP_STARTTLS"] is False


def test_settings_are_read(tmp_path):
    config = load_config(
        tmp_path,
        {
            "SMTP_HOST": "smtp.example.jp",
            "SMTP_PORT": "587",
            "SMTP_FROM": "イベント事務局 <jimukyoku@example.jp>",
            "SMTP_USERNAME": "eventhub",
            "SMTP_PASSWORD": "s3cret",
            "SMTP_STARTTLS": "true",
        },
    )
    assert config["SMTP_HOST"] == "smtp.example.jp"
    assert config["SMTP_PORT"] == 587
    assert config["SMTP_FROM"] == "イベント事務局 <jimukyoku@example.jp>"
    assert (config["SMTP_USERNAME"], config["SMTP_PASSWORD"]) == ("eventhub", "s3cret")
    assert config["SMTP_STARTTLS"] is True


@pytest.mark.parametrize(("given", "expected"), [("1", True), ("0", False), ("FALSE", False)])
def test_starttls_flag(tmp_path, given, expected):
    assert load_config(tmp_path, {"SMTP_STARTTLS": given})["SMTP_STARTTLS"] is expected


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SMTP_PORT": "0"}, "SMTP_PORT"),
        ({"SMTP_PORT": "65536"}, "SMTP_PORT"),
        ({"SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({"SMTP_STARTTLS": "yes please"}, "SMTP_STARTTLS"),
        ({"SMTP_USERNAME": "eventhub"}, "SMTP_PASSWORD"),
        ({"SMTP_FROM": "eventhub"}, "SMTP_FROM"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(tmp_path, environ, named):
    with pytest.raises(ConfigError, match=named):
        load_config(tmp_path, environ)
