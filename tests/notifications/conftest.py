"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can refuse."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """An aiosmtpd handler: accepts mail, or answers "451 try later" while refusals are left."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refusals = 0
        self.received: list[tuple[list[str], bytes]] = []
        self.refused = 0

    def refuse_next(self, count: int) -> None:
        with self._lock:
            self._refusals = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            if self._refusals:
                self._refusals -= 1
                self.refused += 1
                return "451 4.3.0 try later"
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = [content for _, content in self.received]
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope named ``address``."""
        with self._lock:
            raw = [content for rcpt, content in self.received if address in rcpt]
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def wait_for(self, address: str, count: int, seconds: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.to(address)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def sink(app: Flask, smtp_server: tuple[Sink, int], monkeypatch: pytest.MonkeyPatch) -> Sink:
    """The SMTP server the (eager) app sends to, for this test."""
    server, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_FROM", "イベントハブ <noreply@eventhub.test>")
    return server
