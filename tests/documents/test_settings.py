"""The upload settings: embedded defaults, and a clear error for each unusable value."""

from __future__ import annotations

import pytest

from eventhub.config import MULTIPART_OVERHEAD_BYTES, ConfigError, load_config


def test_uploads_default_to_the_instance_folder_and_ten_mebibytes(tmp_path):
    config = load_config(tmp_path, {})

    assert config["EVENTHUB_UPLOAD_DIR"] == tmp_path / "uploads"
    assert config["EVENTHUB_UPLOAD_DIR"].is_dir()
    assert config["EVENTHUB_UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    # Flask's body limit leaves room for the multipart envelope around a maximal file.
    assert config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024 + MULTIPART_OVERHEAD_BYTES


def test_upload_settings_are_read_from_the_environment(tmp_path):
    folder = tmp_path / "elsewhere" / "files"

    config = load_config(
        tmp_path, {"EVENTHUB_UPLOAD_DIR": str(folder), "EVENTHUB_UPLOAD_MAX_BYTES": "1048576"}
    )

    assert config["EVENTHUB_UPLOAD_DIR"] == folder
    assert folder.is_dir()
    assert config["EVENTHUB_UPLOAD_MAX_BYTES"] == 1048576
    assert config["MAX_CONTENT_LENGTH"] == 1048576 + MULTIPART_OVERHEAD_BYTES


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EVENTHUB_UPLOAD_DIR", "relative/uploads"),
        ("EVENTHUB_UPLOAD_MAX_BYTES", "10MB"),
        ("EVENTHUB_UPLOAD_MAX_BYTES", "0"),
    ],
)
def test_unusable_upload_setting_names_the_variable(tmp_path, variable, value):
    with pytest.raises(ConfigError, match=variable):
        load_config(tmp_path, {variable: value})


def test_upload_folder_that_cannot_be_created_stops_start_up(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    with pytest.raises(ConfigError, match="EVENTHUB_UPLOAD_DIR"):
        load_config(tmp_path, {"EVENTHUB_UPLOAD_DIR": str(blocker / "uploads")})
