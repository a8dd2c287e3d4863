"""Login sessions kept on the server, so that signing out ends a session everywhere.

A signed cookie alone stays valid until it expires: whoever copied it (from a shared
computer, a proxy log, a stolen laptop) could go on using it after the user signed out.
So the cookie carries a random session id (256 bits) plus an HMAC of it with the server
key, and the database keeps one row per session (``login_sessions``: the id's SHA-256, the
user, the expiry). A session counts only while its row exists and has not expired:

- signing out deletes the row, so a replayed cookie is refused at once;
- changing a password or removing a user deletes all of that user's rows
  (:class:`spinetriage.web.auth.Accounts`);
- rows past their expiry are refused, and deleted at the next sign-in, so the table holds
  no more than the sign-ins of the last ``max_age`` seconds.

The HMAC lets a forged or garbled cookie be refused without a database lookup; only the
id's hash is stored, so a copy of the table opens no session. Checking a cookie costs one
primary-key lookup, as the password fingerprint it replaces did. Local mode (no users) has
no sessions.

A **kiosk session** is what a clinician leaves on a device handed to a patient: it opens
the patient questionnaire and nothing else, its answers filed under the clinician. Its row
is marked ``kiosk``, its cookie is a separate one (``spinetriage_kiosk``, sent only to
``/questionnaire``), and it is never accepted as a sign-in: the history, the assessments
and the API stay closed. Signing in again on the device deletes the kiosk cookie (its row
then expires unused); a new password or a removed user ends the user's kiosks at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete

from spinetriage.web.auth import sign
from spinetriage.web.db import Database, LoginSessionRow, utcnow

SESSION_COOKIE = "spinetriage_session"
KIOSK_COOKIE = "spinetriage_kiosk"
_MAX_COOKIE = 200


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class LoginSessions:
    """Start, check and end the sessions of signed-in browsers."""

    def __init__(self, database: Database, secret: bytes, max_age: int) -> None:
        self.database = database
        self.secret = secret
        self.max_age = max_age

    def _session_id(self, cookie: str) -> str | None:
        """The session id a cookie carries, if the server's key signed it."""
        if len(cookie) > _MAX_COOKIE:
            return None
        session_id, _, mac = cookie.rpartition(".")
        if not session_id or not hmac.compare_digest(mac.encode(), sign(self.secret, "session", session_id).encode()):
            return None
        return session_id

    def start(self, username: str, now: datetime | None = None, *, kiosk: bool = False) -> str:
        """A new session for ``username`` (a kiosk one if ``kiosk``); returns the cookie value. Purges the
        sessions that have expired."""
        now = now or utcnow()
        session_id = secrets.token_urlsafe(32)
        with self.database.sessions.begin() as session:
            session.execute(delete(LoginSessionRow).where(LoginSessionRow.expires_at <= now))
            session.add(
                LoginSessionRow(
                    id_hash=_id_hash(session_id),
                    username=username,
                    created_at=now,
                    expires_at=now + timedelta(seconds=self.max_age),
                    kiosk=kiosk,
                )
            )
        return f"{session_id}.{sign(self.secret, 'session', session_id)}"

    def start_kiosk(self, owner: str, now: datetime | None = None) -> str:
        """A kiosk session whose questionnaires are filed under ``owner``; returns the cookie value."""
        return self.start(owner, now, kiosk=True)

    def user(self, cookie: str, now: datetime | None = None) -> str | None:
        """The user a sign-in cookie belongs to; None if it is forged, ended, expired or a kiosk's."""
        row = self._row(cookie, now)
        return row[0] if row is not None and not row[1] else None

    def kiosk_owner(self, cookie: str, now: datetime | None = None) -> str | None:
        """The user whose kiosk a kiosk cookie opens; None for anything else."""
        row = self._row(cookie, now)
        return row[0] if row is not None and row[1] else None

    def _row(self, cookie: str, now: datetime | None) -> tuple[str, bool] | None:
        session_id = self._session_id(cookie)
        if session_id is None:
            return None
        with self.database.reads() as session:
            row = session.get(LoginSessionRow, _id_hash(session_id))
            if row is None or row.expires_at <= (now or utcnow()):
                return None
            return row.username, row.kiosk

    def end(self, cookie: str) -> None:
        """End the session a cookie carries (signing out); a cookie that opens no session is ignored."""
        session_id = self._session_id(cookie)
        if session_id is None:
            return
        with self.database.sessions.begin() as session:
            session.execute(delete(LoginSessionRow).where(LoginSessionRow.id_hash == _id_hash(session_id)))
