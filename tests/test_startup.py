"""Start-up from every entry point, in processes of their own: a bad setting is one line that
names the variable and a non-zero exit (not a traceback, not workers failing to boot); the
shipped gunicorn configuration keeps pass keys out of the access log; create-organiser says
what to do without a schema or a terminal."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from eventhub import create_app
from eventhub.extensions import db
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _environment(instance: Path, **settings: str) -> dict[str, str]:
    """This interpreter's environment without eventhub's settings, the instance in ``instance``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EVENTHUB_", "SMTP_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return {**env, "PYTHONPATH": str(ROOT), "EVENTHUB_INSTANCE_PATH": str(instance), **settings}


def _run(command: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False, **kw
    )


@pytest.mark.parametrize(
    ("command", "variable", "value"),
    [
        ([PYTHON, "-m", "eventhub", "db", "upgrade"], "DATABASE_URL", "mysql://u@h/db"),
        *(
            (command, "EVENTHUB_TOKEN_DAYS", "thirty")
            for command in [
                [PYTHON, "-m", "eventhub", "db", "upgrade"],
                [PYTHON, "-m", "flask", "--app", "wsgi", "eventhub", "demo"],
                [PYTHON, "-m", "celery", "-A", "workers", "worker"],
                [PYTHON, "-m", "gunicorn", "-c", "python:eventhub.gunicorn_conf", "wsgi:app"],
                [PYTHON, "-m", "gunicorn", "--bind", "127.0.0.1:0", "eventhub.wsgi:app"],
            ]
        ),
    ],
    ids=["eventhub-database", "eventhub", "flask", "celery", "gunicorn-conf", "gunicorn"],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path, command, variable, value):
    settings = {variable: value, "EVENTHUB_BASE_URL": "https://eventhub.example.jp"}
    result = _run(command, _environment(tmp_path, **settings))

    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("eventhub:")]
    assert len(ours) == 1, result.stderr
    assert variable in ours[0]
    assert "Traceback" not in result.stderr
    assert "Worker failed to boot" not in result.stderr
    if "gunicorn_conf" in " ".join(command):  # checked in the master, before any worker
        assert result.stderr.strip() == ours[0]


def test_service_mode_without_the_public_address_says_so(tmp_path):
    env = _environment(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    result = _run([PYTHON, "-m", "eventhub", "db", "upgrade"], env)

    assert result.returncode != 0
    assert result.stderr.startswith("eventhub: EVENTHUB_BASE_URL must be set")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_gunicorn_configuration_logs_paths_without_their_keys(tmp_path):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    command = [PYTHON, "-m", "gunicorn", "-c", "python:eventhub.gunicorn_conf"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "eventhub.wsgi:app"]
    home = tmp_path / "home"
    home.mkdir()
    environment = {**_environment(tmp_path), "HOME": str(home)}
    environment.pop("XDG_RUNTIME_DIR", None)
    environment.pop("GUNICORN_CONTROL_SOCKET", None)
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=out, stderr=out)
    try:

        def answers() -> bool:
            try:
                # A key in the query string, as on a pass's link (ping refuses it: 422).
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/health/ping?key=the-secret-pass-key",
                    timeout=2,
                ) as response:
                    return bool(response.status)
            except urllib.error.HTTPError:
                return True  # an answer all the same
            except OSError:
                return False

        wait_until(answers, 60, message=lambda: f"gunicorn answering:\n{log.read_text()}")
        wait_until(lambda: "/api/v1/health/ping" in log.read_text(), 10, message="a log line")
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "gthread" in text
    assert '"GET /api/v1/health/ping HTTP/1.1" 422' in text
    assert "the-secret-pass-key" not in text
    # No control socket in the home folder, which every instance of the user would share.
    assert not (home / ".gunicorn").exists()


def test_create_organiser_without_the_schema_says_to_upgrade(tmp_path):
    command = [PYTHON, "-m", "eventhub", "create-organiser", "--email", "o@example.jp"]
    result = _run([*command, "--name", "O", "--password", "long-enough-1"], _environment(tmp_path))

    assert result.returncode != 0
    assert "run `eventhub db upgrade` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_organiser_without_a_terminal_reads_a_password_file(tmp_path):
    env = _environment(tmp_path)
    assert _run([PYTHON, "-m", "eventhub", "db", "upgrade"], env).returncode == 0
    command = [PYTHON, "-m", "eventhub", "create-organiser", "--email", "o@example.jp"]
    command += ["--name", "O"]

    asked = _run(command, env, stdin=subprocess.DEVNULL)
    assert asked.returncode != 0
    assert "--password-file" in asked.stderr

    (tmp_path / "password").write_text("a-long-enough-password\n")
    made = _run([*command, "--password-file", str(tmp_path / "password")], env)
    assert made.returncode == 0, made.stderr
    assert "organiser o@example.jp" in made.stdout
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'eventhub.sqlite3'}"})
    login = {"email": "o@example.jp", "password": "a-long-enough-password"}
    response = app.test_client().post("/api/v1/auth/login", json=login)
    assert response.status_code == 201, response.json
    with app.app_context():
        db.engine.dispose()


def test_signing_keys_no_secret_reads_stop_the_server_with_one_line(tmp_path):
    from datetime import UTC, datetime

    from eventhub.events.models import Edition, Series
    from eventhub.passes import signing

    old, new = "the-old-secret-key-of-eventhub", "a-new-secret-key-for-eventhub"
    env = _environment(tmp_path, SECRET_KEY=old, EVENTHUB_BASE_URL="https://eventhub.example.jp")
    assert _run([PYTHON, "-m", "eventhub", "db", "upgrade"], env).returncode == 0
    url = f"sqlite:///{tmp_path / 'eventhub.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": old})
    with app.app_context():
        series = Series(slug="s", name_ja="展", name_en="Fair")
        start = datetime(2027, 10, 28, 1, tzinfo=UTC)
        edition = Edition(
            series=series,
            fiscal_year=2027,
            title_ja="展",
            title_en="Fair",
            starts_at=start,
            ends_at=start.replace(day=29),
            format="in_person",
        )
        db.session.add(edition)
        db.session.flush()
        signing.ensure_key(edition.id)
        db.session.commit()
        db.engine.dispose()
    serve = [PYTHON, "-c", "import wsgi"]
    worker = [PYTHON, "-c", "import workers"]

    assert _run(serve, env).returncode == 0  # the secret that encrypted them reads them
    for command in (serve, worker):
        changed = _run(command, {**env, "SECRET_KEY": new})
        assert changed.returncode == 4, changed.stderr
        assert changed.stderr.startswith("eventhub: SECRET_KEY does not decrypt"), changed.stderr
        assert len(changed.stderr.strip().splitlines()) == 1, changed.stderr
        assert "SECRET_KEY_FALLBACKS" in changed.stderr
    kept = _run(serve, {**env, "SECRET_KEY": new, "SECRET_KEY_FALLBACKS": f'["{old}"]'})
    assert kept.returncode == 0, kept.stderr
    # The command line still runs, to move the keys once the old secret is back.
    assert _run([PYTHON, "-m", "eventhub", "--help"], {**env, "SECRET_KEY": new}).returncode == 0
