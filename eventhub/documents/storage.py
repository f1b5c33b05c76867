"""The files of documents, on disk under EVENTHUB_UPLOAD_DIR.

A file is named by a random key, never by anything the uploader sent, so no file name can
reach outside the folder or overwrite another file. Keys are sharded two levels deep by
their first characters (``ab/cd/abcd…``) to keep folders small. A file is written to a
temporary name in its final folder and renamed into place with ``os.replace``, so a reader
sees either no file or the whole file, never a half-written one.

The database row is committed only after the file is in place, and a file whose row failed
to commit is removed (service.py). A crash between the two can still leave a file without a
row; such orphans are harmless but take space: a periodic sweep (list keys on disk, delete
those older than a day with no row) is left for later.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

#: 128 random bits: unguessable, and a collision is not a practical concern.
KEY_BYTES = 16
_KEY = re.compile(r"[0-9a-f]{32}")
CHUNK_BYTES = 64 * 1024


class FileTooLargeError(Exception):
    """The stream went past the limit; nothing of it is left on disk."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


def root() -> Path:
    return Path(current_app.config["EVENTHUB_UPLOAD_DIR"])


def path_of(key: str) -> Path:
    """Where the file of ``key`` lives; a key that is not one of ours is refused."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return root() / key[:2] / key[2:4] / key


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder is synced; Windows cannot open folders.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(stream: IO[bytes], max_bytes: int, head: bytes = b"") -> StoredFile:
    """Copy ``head`` and then ``stream`` into a new file, counting and hashing as it goes.

    The limit is enforced on the bytes actually read, whatever the request's Content-Length
    said. Raises FileTooLargeError (and leaves nothing behind) once more than ``max_bytes`` came.
    """
    key = secrets.token_hex(KEY_BYTES)
    final = path_of(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=final.parent, prefix=f".{key}.", suffix=".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            chunk = head or stream.read(CHUNK_BYTES)
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLargeError(max_bytes)
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK_BYTES)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, final)
    except BaseException:
        # Whatever went wrong (limit, full disk, client gone), leave no partial file behind.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_dir(final.parent)
    return StoredFile(key=key, size=size, sha256=digest.hexdigest())


def remove(key: str) -> None:
    """Delete the file of ``key``; deleting one that is already gone is not an error."""
    with contextlib.suppress(FileNotFoundError):
        path_of(key).unlink()
