"""No cookie session: every API client authenticates with a bearer token on each request.

Flask opens its signed-cookie session for every request, building a signing serializer and
parsing cookies even when nothing reads the session: about a tenth of the CPU of a bare
request. eventhub never uses ``flask.session``, so it gets Flask's null session, which sets no
cookie and refuses writes.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import NullSession, SessionInterface, SessionMixin


class NoCookieSession(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> NullSession:
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        pass  # nothing to keep: no cookie is ever set
