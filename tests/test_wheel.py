"""The wheel is enough: built from the source, installed into a fresh virtualenv, it creates
its schema, loads the demo and serves it from an empty folder, with the shipped gunicorn
configuration; the demo's edition running today admits a scan through the API.

Dependencies come from the package index (pip's cache makes a second run quick). The build
runs on a copy of the sources, so no build/ or egg-info lands in the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "eventhub", "workers"]
SOURCES += ["migrations"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={  # noqa: S310 (127.0.0.1 only)
        "Content-Type": "application/json", **(headers or {})})  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


#: What /api/v1/docs loads: Swagger UI (the flask-swagger-ui package) and its start script.
DOCS_FILES = ("/api/v1/docs/assets/swagger-ui-bundle.js", "/static/api-docs.js")


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (127.0.0.1 only)
        return bytes(response.read())


def _answers(url: str) -> bool:
    try:
        _call(url)
    except OSError:
        return False
    return True


@pytest.fixture
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel built from this checkout installed: its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.py[co]")
            shutil.copytree(origin, source / name, ignore=ignore)
        else:
            shutil.copy2(origin, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
                   check=True, timeout=300)  # fmt: skip
    (wheel,) = (work / "dist").glob("eventhub-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), *pip[1:], "install", str(wheel)],
                   check=True, timeout=600)  # fmt: skip
    return venv / "bin"


def _environment(bin_folder: Path, **settings: str) -> dict[str, str]:
    """A user's shell: the virtualenv's commands first, none of the test suite's settings."""
    kept = {"HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_CACHE_DIR", "XDG_CACHE_HOME"}
    env = {k: v for k, v in os.environ.items() if k in kept}
    return {**env, "PATH": f"{bin_folder}:/usr/bin:/bin", **settings}


def _run(bin_folder: Path, folder: Path, *args: str, **settings: str) -> str:
    result = subprocess.run(
        [str(bin_folder / args[0]), *args[1:]],
        cwd=folder,
        env=_environment(bin_folder, **settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_installed_wheel_upgrades_loads_the_demo_serves_and_admits_a_scan(
    installed: Path, tmp_path: Path
):
    """…and a bad setting is one line from the installed command too."""
    folder = tmp_path / "empty"
    folder.mkdir()
    venv = installed.parent

    _run(installed, folder, "eventhub", "db", "upgrade")
    demo = _run(installed, folder, "eventhub", "demo")
    mails = _run(installed, folder, "eventhub", "mails", "--to", "attendee@example.jp")

    # Installed, the data lives in Flask's instance folder of the prefix, not in the cwd.
    assert (venv / "var" / "eventhub-instance" / "eventhub.sqlite3").is_file()
    assert list(folder.iterdir()) == []
    device_token = re.search(r"gate device token (\S+)", demo)[1]  # type: ignore[index]
    pass_id, key = re.search(r"pass for today: \S+/passes/(\d+)\?key=(\S+)", demo).groups()  # type: ignore[union-attr]
    assert f"/passes/{pass_id}?key={key}" in mails  # the attendee's pass mail, kept

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    command = [str(installed / "gunicorn"), "-c", "python:eventhub.gunicorn_conf"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "eventhub.wsgi:app"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=folder, env=_environment(installed), stdout=out, stderr=out
        )
    try:
        wait_until(
            lambda: _answers(f"{base}/api/v1/health/ping"),
            90,
            message=lambda: f"the installed app answering:\n{log.read_text()}",
        )
        shown = _call(f"{base}/api/v1/passes/{pass_id}", headers={"X-Pass-Key": key})
        scan = {"token": shown["token"], "direction": "entry", "nonce": "wheel-1"}
        device = {"Authorization": f"Bearer {device_token}"}
        scanned = _call(f"{base}/api/v1/device/scans", scan, device)
        # The API docs page and the files it loads ship with the wheel and its dependencies.
        docs = [_fetch(f"{base}{path}") for path in (*DOCS_FILES, "/api/v1/docs")]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert scanned["result"] == "admitted", scanned
    assert all(docs), "every file of /api/v1/docs answers"
    assert all(path.encode() in docs[-1] for path in DOCS_FILES), docs[-1]

    # In the same test as the rest: pytest-xdist could give a second test of this module to
    # another worker, which would build and install all over again.
    bad = subprocess.run(
        [str(installed / "eventhub"), "routes"],
        cwd=folder,
        env=_environment(installed, EVENTHUB_TOKEN_DAYS="thirty"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode != 0
    assert bad.stderr.strip().splitlines() == [
        "eventhub: EVENTHUB_TOKEN_DAYS must be a whole number, got 'thirty'"
    ]
