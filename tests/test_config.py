"""Settings: embedded defaults, and a clear error for each malformed value."""

from __future__ import annotations

import pytest

from eventhub.config import ConfigError, load_config

#: Service mode (DATABASE_URL or REDIS_URL set) needs the public address.
BASE_URL = {"EVENTHUB_BASE_URL": "https://eventhub.example.jp"}


def test_defaults_need_nothing_installed(tmp_path):
    config = load_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'eventhub.sqlite3'}"
    assert config["CELERY"]["task_always_eager"] is True
    assert config["REDIS_URL"] is None
    assert config["EVENTHUB_TIMEZONE"] == "Asia/Tokyo"
    # None: links follow the address the app is served at (eventhub.links).
    assert config["EVENTHUB_BASE_URL"] is None
    assert config["SMTP_HOST"] is None  # mail is kept in the instance folder
    assert config["MAIL_DIR"] == tmp_path / "mail"
    assert config["CELERY"]["beat_schedule_filename"] == str(tmp_path / "celerybeat-schedule")


def test_generated_secret_key_is_kept_across_restarts(tmp_path):
    first = load_config(tmp_path, {})["SECRET_KEY"]
    second = load_config(tmp_path, {})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_redis_url_turns_off_eager_tasks(tmp_path):
    config = load_config(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6379/2", **BASE_URL})
    assert config["CELERY"]["task_always_eager"] is False
    assert config["CELERY"]["broker_url"] == "redis://127.0.0.1:6379/2"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/eventhub.sqlite3", "sqlite:////srv/eventhub.sqlite3"),
    ],
)
def test_database_urls_use_the_psycopg_driver(tmp_path, given, expected):
    config = load_config(tmp_path, {"DATABASE_URL": given, **BASE_URL})
    assert config["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    "service", [{"DATABASE_URL": "postgresql://u@h/db"}, {"REDIS_URL": "redis://h:6379/0"}]
)
def test_service_mode_needs_the_public_address(tmp_path, service):
    with pytest.raises(ConfigError, match="EVENTHUB_BASE_URL must be set"):
        load_config(tmp_path, service)
    given = load_config(tmp_path, {**service, "EVENTHUB_BASE_URL": "https://eventhub.example.jp/"})
    assert given["EVENTHUB_BASE_URL"] == "https://eventhub.example.jp"


def test_an_instance_folder_that_cannot_be_made_names_the_variable(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match=r"EVENTHUB_INSTANCE_PATH .* set it to a writable folder"):
        load_config(tmp_path / "file" / "instance", {})


def test_waits_default_to_production_times_and_take_fractions(tmp_path):
    defaults = load_config(tmp_path, {})
    assert defaults["TALLY_SETTLE_SECONDS"] == 10.0
    assert defaults["CALENDAR_DEBOUNCE_SECONDS"] == 2.0
    assert defaults["CALENDAR_MAX_DELAY_SECONDS"] == 30.0
    short = load_config(tmp_path, {"TALLY_SETTLE_SECONDS": "0.5", "CALENDAR_DEBOUNCE_SECONDS": "0"})
    assert (short["TALLY_SETTLE_SECONDS"], short["CALENDAR_DEBOUNCE_SECONDS"]) == (0.5, 0.0)


@pytest.mark.parametrize(
    "value",
    [
        "old-secret-key-number-1, old-secret-key-number-2",
        '["old-secret-key-number-1", "old-secret-key-number-2", "the-current-secret-key"]',
    ],
)
def test_secret_key_fallbacks_as_a_list_or_json(tmp_path, value):
    config = load_config(
        tmp_path, {"SECRET_KEY": "the-current-secret-key", "SECRET_KEY_FALLBACKS": value}
    )
    assert config["SECRET_KEY_FALLBACKS"] == ["old-secret-key-number-1", "old-secret-key-number-2"]
    assert load_config(tmp_path, {})["SECRET_KEY_FALLBACKS"] == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://u@h/db"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "amqp://guest@localhost//"),
        ("EVENTHUB_BASE_URL", "eventhub.example.jp"),
        ("EVENTHUB_TIMEZONE", "Asia/Atlantis"),
        ("EVENTHUB_TOKEN_DAYS", "thirty"),
        ("EVENTHUB_TOKEN_DAYS", "0"),
        ("SECRET_KEY", "short"),
        ("SECRET_KEY_FALLBACKS", "an-old-secret-key-long-enough,short"),
        ("SECRET_KEY_FALLBACKS", "an-old-secret-key-long-enough,,"),
        ("SECRET_KEY_FALLBACKS", '["an-old-secret-key-long-enough", 7]'),
        ("SECRET_KEY_FALLBACKS", '["unclosed'),
        ("TALLY_SETTLE_SECONDS", "ten"),
        ("TALLY_SETTLE_SECONDS", "-1"),
        ("CALENDAR_DEBOUNCE_SECONDS", "nan"),
        ("CALENDAR_MAX_DELAY_SECONDS", "inf"),
        ("EVENTHUB_TRUSTED_PROXIES", "yes"),
        ("EVENTHUB_TRUSTED_PROXIES", "-1"),
        ("EVENTHUB_RATE_LIMIT_LOGIN", "lots"),
        ("EVENTHUB_RATE_LIMIT_PAIRING", "10 per fortnight"),
    ],
)
def test_malformed_setting_names_the_variable(tmp_path, variable, value):
    with pytest.raises(ConfigError, match=variable):
        load_config(tmp_path, {variable: value})


def test_app_refuses_to_start_with_a_malformed_setting(monkeypatch, tmp_path):
    from eventhub import create_app

    monkeypatch.setenv("EVENTHUB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "oracle://scott@tiger/db")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app()


def test_rate_limits_count_in_redis_when_there_is_one(tmp_path):
    embedded = load_config(tmp_path, {})
    service = load_config(tmp_path, {"REDIS_URL": "redis://cache:6379/2", **BASE_URL})

    assert embedded["RATELIMIT_STORAGE_URI"] == "memory://"
    assert service["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"
    assert embedded["EVENTHUB_TRUSTED_PROXIES"] == 0
    assert load_config(tmp_path, {"EVENTHUB_TRUSTED_PROXIES": "2"})["EVENTHUB_TRUSTED_PROXIES"] == 2
    custom = load_config(tmp_path, {"EVENTHUB_RATE_LIMIT_LOGIN": "5/minute"})
    assert custom["EVENTHUB_RATE_LIMIT_LOGIN"] == "5/minute"
