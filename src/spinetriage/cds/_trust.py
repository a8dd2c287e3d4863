"""Who may call: the EHR's signed JWT on every call (CDS Hooks 2.0, "Trusting CDS Clients").

A call is trusted when its ``Authorization: Bearer`` token:

- is signed with **ES384 or RS384** (``none``, HMAC and every other algorithm are refused);
- names a **trusted issuer** (``iss``) and is signed by a key from **that issuer's JWKS**
  (configured as ``ISSUER=JWKS``, a file or an https URL; a ``jku`` header is ignored);
- has ``aud`` equal to the URL called;
- has ``exp`` not past and ``iat`` not in the future, with :data:`SKEW_SECONDS` of leeway
  (EHRs round ``iat``);
- carries a ``jti`` not seen before from that issuer (kept until the token expires; table
  ``cds_jti``, so every worker process sees it).

Each refusal is :class:`Untrusted` with a reason that quotes nothing from the token.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from spinetriage.cds._prefetch import tls_context
from spinetriage.errors import InputError
from spinetriage.web.db import CdsJtiRow, Database, utcnow

ALGORITHMS = ("ES384", "RS384")
SKEW_SECONDS = 5
JWKS_REFRESH_SECONDS = 60.0
JWKS_TIMEOUT_SECONDS = 5.0
OPTION = "--cds-issuer"


class Untrusted(Exception):
    """A call whose token is refused; the reason names what failed, never the token's content."""


@dataclass(frozen=True)
class Issuer:
    """A trusted issuer and where its public keys are: a JWKS file or an https URL."""

    issuer: str
    jwks: str

    @property
    def remote(self) -> bool:
        return self.jwks.startswith("https://")


def parse_issuers(values: Iterable[str]) -> list[Issuer]:
    """``ISSUER=JWKS`` values (the option, repeated, or the environment variable's words)."""
    out: list[Issuer] = []
    for value in values:
        issuer, sep, jwks = value.partition("=")
        if not sep or not issuer or not jwks:
            raise InputError(OPTION, "expected ISSUER=JWKS", "an issuer, '=', and a JWKS file or https URL")
        if not jwks.startswith("https://") and not Path(jwks).is_file():
            raise InputError(OPTION, f"the JWKS of '{issuer}' is neither a file nor an https URL")
        if any(i.issuer == issuer for i in out):
            raise InputError(OPTION, f"'{issuer}' is given twice")
        out.append(Issuer(issuer, jwks))
    return out


def _keys(document: Any, issuer: str) -> dict[str, jwt.PyJWK]:
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise InputError(OPTION, f"the JWKS of '{issuer}' is not a JSON Web Key Set (no 'keys' list)")
    keys: dict[str, jwt.PyJWK] = {}
    for index, entry in enumerate(document["keys"]):
        if not isinstance(entry, Mapping) or entry.get("kty") not in ("EC", "RSA") or "d" in entry:
            raise InputError(OPTION, f"key {index} in the JWKS of '{issuer}' is not a usable public key (EC or RSA)")
        try:
            key = jwt.PyJWK(dict(entry))
        except (jwt.PyJWKError, TypeError, ValueError):
            raise InputError(OPTION, f"key {index} in the JWKS of '{issuer}' is not a usable public key") from None
        if not isinstance(entry.get("kid"), str):
            raise InputError(OPTION, f"key {index} in the JWKS of '{issuer}' has no kid")
        keys[str(entry["kid"])] = key
    return keys


class _KeySet:
    """One issuer's keys: read once from a file; fetched from a URL when first needed, and again (at
    most every :data:`JWKS_REFRESH_SECONDS`) when a token names a key id the set does not hold."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at = -JWKS_REFRESH_SECONDS
        self.lock = threading.Lock()
        if not issuer.remote:
            self.keys = _keys(json.loads(Path(issuer.jwks).read_text(encoding="utf-8")), issuer.issuer)

    def key(self, kid: str) -> jwt.PyJWK | None:
        found = self._find(kid)
        if found is None and self.issuer.remote:
            with self.lock:
                if time.monotonic() - self.fetched_at >= JWKS_REFRESH_SECONDS:
                    self.fetched_at = time.monotonic()
                    try:
                        response = httpx.get(self.issuer.jwks, timeout=JWKS_TIMEOUT_SECONDS, verify=tls_context())
                        response.raise_for_status()
                        self.keys = _keys(response.json(), self.issuer.issuer)
                    except (httpx.HTTPError, ValueError, InputError):
                        raise Untrusted("the issuer's JWKS could not be fetched") from None
            found = self._find(kid)
        return found

    def _find(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


def _fits(key: jwt.PyJWK, algorithm: str) -> bool:
    """ES384 needs an EC key on P-384, RS384 an RSA key (the JWKS may omit each key's ``alg``)."""
    if algorithm == "ES384":
        return key.key_type == "EC" and getattr(getattr(key.key, "curve", None), "name", "") == "secp384r1"
    return key.key_type == "RSA"


class Verifier:
    """Checks a call's token against the trusted issuers; refuses a replayed ``jti``."""

    def __init__(self, issuers: list[Issuer], database: Database) -> None:
        self.issuers = {i.issuer: _KeySet(i) for i in issuers}
        self.database = database

    def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The token's claims, or :class:`Untrusted`."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Untrusted("send the EHR's signed JWT as `Authorization: Bearer TOKEN`")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Untrusted("the token is not a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise Untrusted(f"the token's algorithm is not accepted (allowed: {', '.join(ALGORITHMS)})")
        issuer = unverified.get("iss")
        keyset = self.issuers.get(issuer) if isinstance(issuer, str) else None
        if keyset is None:
            raise Untrusted("the token's issuer is not trusted (see `spinetriage cds issuers`)")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Untrusted("the token names no key (kid header)")
        key = keyset.key(kid)
        if key is None:
            raise Untrusted("the token's key is not in its issuer's JWKS")
        if not _fits(key, str(algorithm)):
            raise Untrusted("the token's key does not fit its algorithm")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[str(algorithm)],
                audience=audience,
                issuer=issuer,
                leeway=SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise Untrusted("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise Untrusted("the token is issued in the future (iat)") from None
        except jwt.InvalidAudienceError:
            raise Untrusted("the token's aud is not the URL called") from None
        except jwt.MissingRequiredClaimError as error:
            raise Untrusted(f"the token has no '{error.claim}' claim") from None
        except jwt.PyJWTError:
            raise Untrusted("the token's signature does not verify with its issuer's key") from None
        if not isinstance(claims.get("iat"), int | float) or claims["iat"] > time.time() + SKEW_SECONDS:
            raise Untrusted("the token is issued in the future (iat)")
        self._first_use(str(issuer), str(claims["jti"]), float(claims["exp"]))
        return claims

    def _first_use(self, issuer: str, jti: str, exp: float) -> None:
        key = hashlib.sha256(json.dumps([issuer, jti]).encode()).hexdigest()
        expires = datetime.fromtimestamp(exp + SKEW_SECONDS, UTC)
        with self.database.sessions() as session:
            session.execute(delete(CdsJtiRow).where(CdsJtiRow.expires_at < utcnow()))
            session.add(CdsJtiRow(jti_hash=key, expires_at=expires))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise Untrusted("the token's jti has been used before (replay)") from None
