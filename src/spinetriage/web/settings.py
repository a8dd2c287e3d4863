"""Server settings: where to listen, which database, which secret signs cookies.

Local mode (loopback address and no users) needs no login: the machine's own user is
the only one who can reach the server. Any other address requires authentication, so
:func:`check_can_serve` refuses to start there without users.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from spinetriage.errors import InputError
from spinetriage.web.environment import (
    ENV_ALLOWED_HOSTS as ENV_ALLOWED_HOSTS,
)
from spinetriage.web.environment import (
    ENV_CDS_ISSUERS as ENV_CDS_ISSUERS,
)
from spinetriage.web.environment import (
    ENV_DATABASE_URL as ENV_DATABASE_URL,
)
from spinetriage.web.environment import (
    ENV_HOST as ENV_HOST,
)
from spinetriage.web.environment import (
    ENV_PORT as ENV_PORT,
)
from spinetriage.web.environment import (
    ENV_SECRET_KEY as ENV_SECRET_KEY,
)
from spinetriage.web.environment import (
    ENV_SECURE_COOKIES as ENV_SECURE_COOKIES,
)

DEFAULT_DATABASE_FILE = "spinetriage.db"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def default_database_url() -> str:
    """``SPINETRIAGE_DATABASE_URL``, else a SQLite file in the current directory."""
    return os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{Path(DEFAULT_DATABASE_FILE).resolve()}"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, :: and any other name."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseModel):
    """Everything the app needs to start; ``users_configured`` is filled in at startup from the database."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    database_url: str = Field(default_factory=default_database_url)
    secret_key: str | None = Field(
        default_factory=lambda: os.environ.get(ENV_SECRET_KEY) or None,
        description="signs session and CSRF cookies; generated and kept in the database when not given",
    )
    users_configured: bool = False
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    session_max_age: int = Field(default=12 * 3600, ge=60, description="seconds a login lasts")
    secure_cookies: bool | None = Field(
        default=None, description="Secure flag on cookies; default: on unless bound to loopback (put TLS in front)"
    )
    run_migrations: bool = True
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="Host header values the server answers to (name or name:port); empty: any "
        "(in local mode only loopback names)",
    )
    cds_issuers: tuple[str, ...] = Field(
        default_factory=lambda: tuple(os.environ.get(ENV_CDS_ISSUERS, "").split()),
        description="trusted CDS Hooks clients as ISSUER=JWKS (a file or an https URL); docs/fhir.md",
    )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def local_mode(self) -> bool:
        """Single-user mode without login: loopback address and no users."""
        return self.loopback and not self.users_configured

    @property
    def cookie_secure(self) -> bool:
        return (not self.loopback) if self.secure_cookies is None else self.secure_cookies


def host_allowed(settings: Settings, host: str) -> bool:
    """Whether a request's Host header is one the server answers to (see ``allowed_hosts``)."""
    if not settings.allowed_hosts:
        return True
    name = host.strip().lower()
    bare = name[1 : name.find("]")] if name.startswith("[") and "]" in name else name.rsplit(":", 1)[0]
    return any(allowed.lower() in (name, bare) for allowed in settings.allowed_hosts)


def settings_from_env() -> Settings:
    """The settings ``spinetriage serve`` hands each worker through SPINETRIAGE_* variables."""
    secure = os.environ.get(ENV_SECURE_COOKIES)
    hosts = os.environ.get(ENV_ALLOWED_HOSTS, "")
    return Settings(
        host=os.environ.get(ENV_HOST, "127.0.0.1"),
        port=int(os.environ.get(ENV_PORT, "8000")),
        secure_cookies=None if not secure else secure == "1",
        allowed_hosts=tuple(h for h in hosts.split(",") if h),
    )


def check_can_serve(settings: Settings) -> None:
    """Refuse an address other machines can reach when nobody could log in."""
    if not settings.loopback and not settings.users_configured:
        raise InputError(
            "--host",
            f"'{settings.host}' is reachable from other machines, which requires authentication, "
            "but no users are configured; add one with `spinetriage users add NAME`, or bind to 127.0.0.1",
        )
