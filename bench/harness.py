"""What the HTTP benchmarks share: a fresh PostgreSQL database, gunicorn started and stopped by
its PID, and an asyncio load generator over keep-alive connections.

Used by bench_gate_http.py and bench_feeds.py; each bench names its own database.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PING = "/api/v1/health/ping"
WORKERS, THREADS = 2, 8


# Database ------------------------------------------------------------------------------------


def fresh_database(server: str, database: str) -> str:
    """Drop and create the bench database; its SQLAlchemy URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    return f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}/{database}"


def drop_database(server: str, database: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


# The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(
    database_url: str,
    instance: Path,
    port: int,
    log: Path,
    secret_key: str,
    app: str = "wsgi:app",
) -> subprocess.Popen[bytes]:
    """gunicorn as in production, serving ``app`` (a module of the repository or of bench/)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "EVENTHUB_INSTANCE_PATH": str(instance),
        "EVENTHUB_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)  # the measured paths queue nothing; keep off shared services
    command = [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gthread"]
    command += ["--threads", str(THREADS), "-b", f"127.0.0.1:{port}"]
    command += ["--pythonpath", str(ROOT / "bench"), app]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.kill(server.pid, signal.SIGTERM)  # the master stops its workers gracefully
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            status, _ = asyncio.run(one_request(port, request_bytes("GET", PING)))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {PING} within {timeout} s:\n{log.read_text()}")


# The load generator --------------------------------------------------------------------------


def request_bytes(
    method: str,
    path: str,
    body: bytes = b"",
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def one_request(port: int, data: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


@dataclass
class Run:
    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]
    results: dict[str, int]
    #: CPU seconds used during the measured time, by group (see ``cpu_seconds``).
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def merge(self, other: Run) -> Run:
        return Run(
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            dict(Counter(self.statuses) + Counter(other.statuses)),
            dict(Counter(self.results) + Counter(other.results)),
            {k: self.cpu.get(k, 0.0) + other.cpu.get(k, 0.0) for k in {*self.cpu, *other.cpu}},
        )

    def cpu_ms_per_request(self) -> dict[str, float]:
        return {k: v / self.requests * 1000 for k, v in sorted(self.cpu.items())}

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time (user + system) used so far by the server (gunicorn's master and workers), by
    every PostgreSQL process on the machine, and by this process (the load generator).

    Read from /proc (Linux); other databases of the same server count too, so run alone.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "postgres": 0.0, "client": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, ppid = int(entry.name), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if server_pid in (pid, ppid):
            used["server"] += seconds
        elif name == "postgres":
            used["postgres"] += seconds
        elif pid == os.getpid():
            used["client"] += seconds
    return used


async def load(
    port: int,
    requests: Iterator[bytes],
    concurrency: int,
    seconds: float,
    warmup: float,
    results: bool = False,
    server_pid: int | None = None,
) -> Run:
    """``concurrency`` keep-alive connections, each sending its next request once answered.

    With ``server_pid``, the run also records the CPU time each group of processes used while
    it was measuring (``cpu_seconds``).
    """
    import json

    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(concurrency)]
    run = Run(0, 0.0, [], {}, {})
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds

    async def sample_cpu_at_start() -> None:
        if server_pid is not None:
            await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
            run.cpu = {k: -v for k, v in cpu_seconds(server_pid).items()}

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            sent = time.perf_counter()
            if sent >= stop:
                return
            writer.write(next(requests))
            status, body = await read_response(reader)
            done = time.perf_counter()
            if sent < measure_from:
                continue
            run.requests += 1
            run.latencies.append(done - sent)
            run.statuses[status] = run.statuses.get(status, 0) + 1
            if results and status == 200:
                result = json.loads(body)["result"]
                run.results[result] = run.results.get(result, 0) + 1

    await asyncio.gather(sample_cpu_at_start(), *(client(r, w) for r, w in connections))
    run.seconds = time.perf_counter() - measure_from
    if server_pid is not None:
        run.cpu = {k: run.cpu[k] + v for k, v in cpu_seconds(server_pid).items()}
    for _, writer in connections:
        writer.close()
    return run


def repeat(data: bytes) -> Iterator[bytes]:
    while True:
        yield data


def ping_requests() -> Iterator[bytes]:
    return repeat(request_bytes("GET", PING))


def pg_server() -> str:
    """The PostgreSQL server the benches use (``EVENTHUB_BENCH_PG_SERVER``), without a database."""
    return os.environ.get(
        "EVENTHUB_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432"
    ).rstrip("/")
