"""Every call's JWT verified: ES384 or RS384 only, a trusted issuer's own key, aud, exp/iat with skew, jti once.

A test client signs tokens as an EHR would; every bad token is refused with 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from typer.testing import CliRunner

from spinetriage.cli import app as cli
from spinetriage.web import create_app
from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database
from spinetriage.web.settings import Settings
from tests.fhir.records import mechanical_record, myelopathy_record, prefetch_for
from tests.web.conftest import BASE_URL, PASSWORD

from .hooks import PATIENT_VIEW, checked_cards, request

EHR = "https://ehr.example"
OTHER = "https://other.example"
URL = BASE_URL + PATIENT_VIEW
FEEDBACK_URL = URL + "/feedback"


class Keys:
    def __init__(self) -> None:
        self.ec = ec.generate_private_key(ec.SECP384R1())
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = ec.generate_private_key(ec.SECP384R1())

    def jwks(self, tmp_path: Path) -> tuple[Path, Path]:
        ehr = [
            dict(json.loads(ECAlgorithm.to_jwk(self.ec.public_key())), kid="ehr-ec", use="sig"),
            dict(json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key())), kid="ehr-rsa", use="sig"),
        ]
        other = [dict(json.loads(ECAlgorithm.to_jwk(self.other.public_key())), kid="other-ec", use="sig")]
        (tmp_path / "ehr.json").write_text(json.dumps({"keys": ehr}))
        (tmp_path / "other.json").write_text(json.dumps({"keys": other}))
        return tmp_path / "ehr.json", tmp_path / "other.json"


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


@pytest.fixture
def issuers(keys: Keys, tmp_path: Path) -> tuple[str, ...]:
    ehr, other = keys.jwks(tmp_path)
    return (f"{EHR}={ehr}", f"{OTHER}={other}")


@pytest.fixture
def client(database_url: str, issuers: tuple[str, ...]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url, cds_issuers=issuers)), base_url=BASE_URL) as c:
        yield c


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    out: dict[str, Any] = {"iss": EHR, "sub": "ehr-client", "aud": URL, "iat": now, "exp": now + 300}
    out["jti"] = str(uuid.uuid4())
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}


def sign(keys: Keys, alg: str = "ES384", kid: str = "ehr-ec", **overrides: Any) -> str:
    key = {"ES384": keys.ec, "RS384": keys.rsa, "RS256": keys.rsa}[alg]
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], body: dict[str, Any], secret: bytes | None = None) -> str:
    """A token built by hand: ``alg: none`` (empty signature) or HMAC with ``secret``."""
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(body).encode())
    if secret is None:
        return head + "."
    return head + "." + _b64(hmac.new(secret, head.encode(), hashlib.sha384).digest())


def call(client: TestClient, token: str | None, url: str = PATIENT_VIEW, record: Any = None) -> Any:
    body = request("patient-view", "p1", prefetch_for(record or myelopathy_record("p1")))
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(url, json=body, headers=headers)


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_a_token_signed_by_a_trusted_issuer_gets_cards(client: TestClient, keys: Keys, alg: str) -> None:
    response = call(client, sign(keys, alg, kid="ehr-ec" if alg == "ES384" else "ehr-rsa"))
    assert response.status_code == 200
    assert len(checked_cards(response.json())) == 1
    well = call(client, sign(keys), record=mechanical_record("p1"))
    assert well.status_code == 200 and well.json()["cards"] == []


def test_discovery_needs_no_token(client: TestClient) -> None:
    assert client.get("/cds-services").status_code == 200


def refused(response: Any, reason: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]


BAD: dict[str, Callable[[Keys], str | None]] = {
    "no token": lambda k: None,
    "alg none": lambda k: unsigned({"alg": "none", "typ": "JWT", "kid": "ehr-ec"}, claims()),
    "HMAC": lambda k: unsigned({"alg": "HS384", "typ": "JWT", "kid": "ehr-ec"}, claims(), b"ehr-ec"),
    "RS256": lambda k: sign(k, "RS256", kid="ehr-rsa"),
    "untrusted issuer": lambda k: sign(k, iss="https://evil.example"),
    "another issuer's key": lambda k: jwt.encode(claims(), k.other, algorithm="ES384", headers={"kid": "other-ec"}),
    "forged with another key": lambda k: jwt.encode(claims(), k.other, algorithm="ES384", headers={"kid": "ehr-ec"}),
    "aud of another service": lambda k: sign(k, aud=BASE_URL + "/cds-services/spinetriage-order-select"),
    "expired": lambda k: sign(k, iat=int(time.time()) - 600, exp=int(time.time()) - 60),
    "issued in the future": lambda k: sign(k, iat=int(time.time()) + 60),
    "no jti": lambda k: sign(k, jti=None),
    "no exp": lambda k: sign(k, exp=None),
    "not a JWT": lambda k: "not-a-jwt",
    "no kid": lambda k: jwt.encode(claims(), k.ec, algorithm="ES384"),
}
REASONS = {
    "no token": "Authorization: Bearer",
    "alg none": "algorithm is not accepted",
    "HMAC": "algorithm is not accepted",
    "RS256": "algorithm is not accepted",
    "untrusted issuer": "issuer is not trusted",
    "another issuer's key": "not in its issuer's JWKS",
    "forged with another key": "signature does not verify",
    "aud of another service": "aud is not the URL called",
    "expired": "expired",
    "issued in the future": "future",
    "no jti": "'jti'",
    "no exp": "'exp'",
    "not a JWT": "not a JWT",
    "no kid": "no key (kid",
}


@pytest.mark.parametrize("name", list(BAD))
def test_every_bad_token_is_refused_with_401(client: TestClient, keys: Keys, name: str) -> None:
    refused(call(client, BAD[name](keys)), REASONS[name])


def test_a_replayed_token_is_refused(client: TestClient, keys: Keys) -> None:
    token = sign(keys)
    assert call(client, token).status_code == 200
    refused(call(client, token), "replay")


def test_aud_may_be_a_list_holding_the_url(client: TestClient, keys: Keys) -> None:
    assert call(client, sign(keys, aud=[URL])).status_code == 200


def test_a_few_seconds_of_clock_skew_are_allowed(client: TestClient, keys: Keys) -> None:
    now = int(time.time())
    assert call(client, sign(keys, iat=now + 3)).status_code == 200  # an EHR that rounds iat up
    assert call(client, sign(keys, iat=now - 300, exp=now - 2)).status_code == 200


def test_feedback_needs_a_token_for_its_own_url(client: TestClient, keys: Keys) -> None:
    feedback = {"feedback": [{"card": "c1", "outcome": "overridden", "outcomeTimestamp": "2026-12-06T02:00:00Z"}]}
    path = PATIENT_VIEW + "/feedback"
    refused(client.post(path, json=feedback), "Authorization: Bearer")
    refused(client.post(path, json=feedback, headers={"Authorization": f"Bearer {sign(keys)}"}), "aud")
    good = {"Authorization": f"Bearer {sign(keys, aud=FEEDBACK_URL)}"}
    assert client.post(path, json=feedback, headers=good).json() == {"stored": 1, "duplicates": 0}


def test_a_server_beyond_local_mode_answers_verified_calls(
    database_url: str, issuers: tuple[str, ...], keys: Keys
) -> None:
    database = Database(database_url)
    database.upgrade()
    Accounts(database).add_user("ann", PASSWORD)
    database.dispose()
    settings = Settings(database_url=database_url, cds_issuers=issuers)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        [card] = checked_cards(call(client, sign(keys)).json())
        assert "links" not in card  # the stored assessment would belong to no user who can open it
        refused(call(client, None), "Authorization: Bearer")


runner = CliRunner()


def test_issuers_lists_the_trusted_issuers_and_their_keys(issuers: tuple[str, ...]) -> None:
    result = runner.invoke(cli, ["cds", "issuers", "--cds-issuer", issuers[0], "--cds-issuer", issuers[1]])
    assert result.exit_code == 0, result.output
    assert EHR in result.output and "ehr-ec, ehr-rsa" in result.output and "other-ec" in result.output


def test_issuers_come_from_the_environment_too(issuers: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINETRIAGE_CDS_ISSUERS", " ".join(issuers))
    result = runner.invoke(cli, ["cds", "issuers"])
    assert result.exit_code == 0 and OTHER in result.output


@pytest.mark.parametrize(
    ("value", "problem"),
    [("no-equals-sign", "ISSUER=JWKS"), ("https://x=/no/such/file.json", "neither a file nor an https URL")],
)
def test_a_bad_issuer_is_an_error_naming_the_option(value: str, problem: str) -> None:
    result = runner.invoke(cli, ["cds", "issuers", "--cds-issuer", value])
    assert result.exit_code == 2
    assert "--cds-issuer" in result.output and problem in result.output


def test_a_file_that_is_not_a_jwks_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}))
    result = runner.invoke(cli, ["cds", "issuers", "--cds-issuer", f"{EHR}={bad}"])
    assert result.exit_code == 2 and "not a usable public key" in result.output
