"""Who is asking: users with argon2-hashed passwords, API tokens, the server's signing key.

Pages log in with a session cookie (HttpOnly, SameSite=Lax; see :mod:`spinetriage.web.sessions`);
integrations send ``Authorization: Bearer TOKEN``. A token is shown
once when created and stored only as its SHA-256. On loopback with no users the app
runs in local mode and every request acts as the user ``local``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from spinetriage.errors import InputError, SpinetriageError
from spinetriage.web.db import ApiTokenRow, Database, LoginSessionRow, SecretRow, UserRow, utcnow

if TYPE_CHECKING:  # psycopg is needed only with PostgreSQL
    from spinetriage.web.async_statements import AsyncStatements

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
TOKEN_PREFIX = "st_"
TOKEN_ID = re.compile(r"[0-9a-f]{12}")  # the start of a token's SHA-256, as `tokens list` shows it
LOCAL_USER = "local"
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown user (same time as a known one); made on first use, not
    at import, where it cost every command 0.3 s."""
    return _hasher.hash("not a password anyone has")


class AuthRequired(SpinetriageError):
    """The request needs a logged-in user (pages are sent to /login, the API gets 401)."""


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_username(name: str) -> str:
    if not USERNAME.match(name):
        raise InputError("username", "not a valid user name", "1-64 of a-z, 0-9, _ . - starting with a letter or digit")
    return name


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError("password", f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    if len(password.strip()) < MIN_PASSWORD:
        raise InputError("password", f"needs at least {MIN_PASSWORD} characters that are not spaces")


class LoginThrottle:
    """Slow password guessing: after ``limit`` failures within ``window`` seconds for one user
    name or one client address, refuse further attempts until the oldest failure ages out.

    :meth:`attempt` counts an attempt as a failure *before* the password is checked, in one
    step under a lock, so simultaneous attempts cannot all pass the check while the first
    ones are still being verified; a right password then takes its count back
    (:meth:`succeeded`). Kept in memory per server process (a restart or another worker
    starts afresh); argon2 already makes each guess cost tens of milliseconds.
    """

    def __init__(self, limit: int = 10, window: float = 900.0, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many names and addresses are being tracked (bounded by ``max_keys``)."""
        return len(self._failures)

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, keys: list[str], now: float | None = None) -> int:
        """Seconds to wait before another attempt may be made (0: go ahead)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return self._retry_after(keys, now)

    def _retry_after(self, keys: list[str], now: float) -> int:
        waits = [self.window - (now - times[0]) for k in keys if len(times := self._recent(k, now)) >= self.limit]
        return int(max(waits, default=0) + 0.999)

    def attempt(self, keys: list[str], now: float | None = None) -> tuple[int, float]:
        """Check and count an attempt in one step: ``(seconds to wait, 0.0)`` when refused, else
        ``(0, stamp)`` with the attempt already counted as a failure (``stamp`` takes it back)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            wait = self._retry_after(keys, now)
            if wait:
                return wait, 0.0
            self._failed(keys, now)
            return 0, now

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failed(keys, now)

    def _failed(self, keys: list[str], now: float) -> None:
        if len(self._failures) + len(keys) > self.max_keys:
            self._make_room(len(keys), now)
        for key in keys:
            self._failures.setdefault(key, []).append(now)

    def _make_room(self, needed: int, now: float) -> None:
        """Bounded memory under a flood of names: forget what has aged out, then the keys that are not
        blocked, those that failed longest ago first. Never everything at once, and never a block
        before the others, so a flood of made-up names cannot lift the block on the name or address
        actually being guessed."""
        for key in list(self._failures):
            self._recent(key, now)
        excess = len(self._failures) + needed - self.max_keys
        if excess > 0:
            order = sorted(self._failures, key=lambda k: (len(self._failures[k]) >= self.limit, self._failures[k][-1]))
            stale = order[:excess]
            for key in stale:
                del self._failures[key]

    def succeeded(self, keys: list[str], stamp: float | None = None) -> None:
        """A right password: forget the failures of ``keys[0]`` (the user name); of the other keys
        (the address, shared with other names) take back only the attempt counted at ``stamp``."""
        with self._lock:
            self._failures.pop(keys[0], None)
            for key in keys[1:]:
                times = self._failures.get(key, [])
                if stamp is not None and stamp in times:
                    times.remove(stamp)
                    if not times:
                        del self._failures[key]


T = TypeVar("T")


class VerificationLimit:
    """At most ``total`` password checks at once in this process: each argon2 check holds about
    64 MiB for its duration, so a burst of logins (from any number of names and addresses)
    queues here instead of taking the server's memory. The throttle decides *whether* a check
    happens; this decides how many run together."""

    def __init__(self, total: int = 2) -> None:
        self.total = total
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        if self._limiter is None:  # made inside the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self.total)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._limiter)


class Accounts:
    """Users and API tokens in the database."""

    def __init__(self, database: Database, async_statements: AsyncStatements | None = None) -> None:
        self.database = database
        self.async_statements = async_statements

    def has_users(self) -> bool:
        with self.database.reads() as session:
            return bool(session.scalar(select(func.count()).select_from(UserRow)))

    def add_user(self, name: str, password: str) -> None:
        check_username(name)
        _check_password(password)
        row = UserRow(username=name, password_hash=_hasher.hash(password), created_at=utcnow())
        try:
            with self.database.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            raise InputError("username", f"user '{name}' already exists") from None

    def user_exists(self, name: str) -> bool:
        with self.database.reads() as session:
            return session.get(UserRow, name) is not None

    def set_password(self, name: str, password: str, *, revoke_tokens: bool = False) -> int:
        """Change a password; every session signed in with the old one ends, and every kiosk the user
        left. API tokens are kept (an integration should not break on a routine change) unless
        ``revoke_tokens``; returns how many tokens the user still has."""
        _check_password(password)
        with self.database.sessions.begin() as session:
            row = session.get(UserRow, name)
            if row is None:
                raise InputError("NAME", f"no user '{name}'")
            row.password_hash = _hasher.hash(password)
            session.execute(delete(LoginSessionRow).where(LoginSessionRow.username == name))
            if revoke_tokens:
                session.execute(delete(ApiTokenRow).where(ApiTokenRow.username == name))
            return int(session.scalar(select(func.count()).where(ApiTokenRow.username == name)) or 0)

    def verify_password(self, name: str, password: str) -> bool:
        """True if the password is right; takes as long for an unknown user as for a known one."""
        with self.database.reads() as session:
            row = session.get(UserRow, name) if USERNAME.match(name) else None
            stored = row.password_hash if row is not None else _dummy_hash()
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return row is not None

    def create_token(self, name: str, label: str = "") -> str:
        """A new API token for ``name``; the caller shows it once, only its hash is kept."""
        if not self.user_exists(name):
            raise InputError("USER", f"no user '{name}'; add one with `spinetriage users add {name}`")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.database.sessions.begin() as session:
            session.add(ApiTokenRow(token_hash=_sha256(token), username=name, label=label, created_at=utcnow()))
        return token

    def remove_user(self, name: str) -> None:
        """Remove a user, their tokens and their sessions; their stored assessments stay in the record."""
        with self.database.sessions.begin() as session:
            row = session.get(UserRow, name)
            if row is None:
                raise InputError("NAME", f"no user '{name}'")
            session.execute(delete(ApiTokenRow).where(ApiTokenRow.username == name))
            session.execute(delete(LoginSessionRow).where(LoginSessionRow.username == name))
            session.delete(row)

    def revoke_token(self, token: str) -> str:
        """Revoke a token, given in full or by the id ``tokens list`` shows; returns the user it belonged to."""
        token = token.strip()
        with self.database.sessions.begin() as session:
            if TOKEN_ID.fullmatch(token):
                rows = list(session.scalars(select(ApiTokenRow).where(ApiTokenRow.token_hash.startswith(token))))
                if len(rows) > 1:
                    raise InputError("TOKEN", "this id matches several tokens", "the token in full")
                row = rows[0] if rows else None
            else:
                row = session.get(ApiTokenRow, _sha256(token))
            if row is None:
                raise InputError(
                    "TOKEN", "no such token (it may already be revoked)", "the token, or its id from `tokens list`"
                )
            session.delete(row)
            return row.username

    def tokens(self, name: str) -> list[tuple[str, str, str]]:
        """(hash prefix, label, created) of each token of ``name``: enough to tell them apart, not to use them."""
        with self.database.reads() as session:
            rows = session.scalars(select(ApiTokenRow).where(ApiTokenRow.username == name))
            return [(r.token_hash[:12], r.label, r.created_at.isoformat()) for r in rows]

    def user_for_token(self, token: str) -> str | None:
        if not _token_shaped(token):
            return None
        with self.database.reads() as session:
            return session.scalar(_USER_FOR_TOKEN, {"token_hash": _sha256(token)})

    def lookups_on_loop(self) -> bool:
        """Whether :meth:`user_for_token_async` can run here (PostgreSQL, inside the app's event loop)."""
        return self.async_statements is not None and self.async_statements.usable()

    async def user_for_token_async(self, token: str) -> str | None:
        """:meth:`user_for_token` from the event loop: no thread hop on every authenticated request."""
        if self.async_statements is None:
            raise RuntimeError("these accounts have no asynchronous connections")
        if not _token_shaped(token):
            return None
        user = await self.async_statements.scalar(_USER_FOR_TOKEN, {"token_hash": _sha256(token)})
        return None if user is None else str(user)


_USER_FOR_TOKEN = select(ApiTokenRow.username).where(ApiTokenRow.token_hash == bindparam("token_hash"))


def _token_shaped(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX) and len(token) <= 200


def server_secret(database: Database, given: str | None) -> bytes:
    """The given secret, else the one kept in the database (generated once, shared by every worker)."""
    if given:
        return given.encode()
    with database.reads() as session:
        row = session.get(SecretRow, "cookie_key")
        if row is not None:
            return row.value.encode()
    try:
        with database.sessions.begin() as session:
            session.add(SecretRow(name="cookie_key", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another worker made it first; read theirs
    with database.reads() as session:
        row = session.get(SecretRow, "cookie_key")
        assert row is not None
        return row.value.encode()


def sign(secret: bytes, purpose: str, value: str) -> str:
    mac = hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
