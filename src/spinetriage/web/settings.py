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

ENV_DATABASE_URL = "SPINETRIAGE_DATABASE_URL"
ENV_SECRET_KEY = "SPINETRIAGE_SECRET_KEY"
ENV_CDS_ISSUERS = "SPINETRIAGE_CDS_ISSUERS"
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


def check_can_serve(settings: Settings) -> None:
    """Refuse an address other machines can reach when nobody could log in."""
    if not settings.loopback and not settings.users_configured:
        raise InputError(
            "--host",
            f"'{settings.host}' is reachable from other machines, which requires authentication, "
            "but no users are configured; add one with `spinetriage users add NAME`, or bind to 127.0.0.1",
        )
