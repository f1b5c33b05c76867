"""Mail kept in a folder: what a trial sends when no mail server is configured (no SMTP_HOST).

Each mail becomes one ``.eml`` file in MAIL_DIR (``<instance>/mail``), readable by any mail
client, and ``eventhub mails`` lists the latest with their links, so that the pass link mailed
to an attendee is one command away. Written under a temporary name and renamed into place, so
a reader never sees half a mail.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

#: A link in a plain-text body: up to the first blank, bracket or quote.
LINK = re.compile(r"https?://[^\s<>\"'）」]+")


class FolderSession:
    """``_SmtpSession``'s interface, delivering into a folder instead of to a server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> FolderSession:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def send(self, message: EmailMessage, to_address: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        handle, temp_name = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(message.as_bytes(policy=policy.SMTP))
        # The time first, so names sort in the order the mails went; the random part of the
        # temporary name keeps two mails of one microsecond apart.
        os.replace(temp_name, self.folder / f"{stamp}-{Path(temp_name).stem.lstrip('.')}.eml")

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class KeptMail:
    path: Path
    to: str
    subject: str
    date: str
    links: list[str]


def read(path: Path) -> KeptMail:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)  # policy.default parses into EmailMessage
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return KeptMail(
        path=path,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=str(message.get("Date", "")),
        links=list(dict.fromkeys(LINK.findall(text))),
    )


def latest(folder: Path, count: int, to: str | None = None) -> Iterator[KeptMail]:
    """The newest ``count`` mails in the folder (to ``to`` only, when given), newest first."""
    paths = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    found = 0
    for path in paths:
        if found >= count:
            return
        mail = read(path)
        if to is not None and to.lower() not in mail.to.lower():
            continue
        found += 1
        yield mail
