"""Prefetch: the FHIR data each hook needs, from the request or from the EHR's FHIR server.

A key the EHR sent is used as it is. A key that is absent, ``null``, or an OperationOutcome
(the EHR could not get it) is fetched from ``fhirServer`` with the ``fhirAuthorization``
bearer token when one was given, and without an Authorization header when none was. Without
a ``fhirServer``, ``null`` is read as the specification defines it ("the CDS Client has no
data to populate" the key: nothing to read), while an absent key or an OperationOutcome
means the data cannot be had: :class:`PrefetchUnavailable` names the key and the service
answers 412, as the specification asks.

Search results are Bundles; ``next`` pages are followed up to :data:`MAX_PAGES`, and only
on the same server (a link elsewhere is not followed). A key whose pages were not all read
is listed in :attr:`Prefetched.incomplete`, so the card can say so.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx

from spinetriage.cds._shapes import FhirAuthorization

PATIENT = "{{context.patientId}}"
PREFETCH: dict[str, str] = {
    "patient": f"Patient/{PATIENT}",
    "conditions": f"Condition?patient={PATIENT}",
    "observations": f"Observation?patient={PATIENT}",
    "questionnaireResponses": f"QuestionnaireResponse?patient={PATIENT}",
    "diagnosticReports": f"DiagnosticReport?patient={PATIENT}",
    "documentReferences": f"DocumentReference?patient={PATIENT}&status=current",
}
"""The prefetch templates every service declares (the same data serves each hook)."""
MAX_PAGES = 5
FETCH_TIMEOUT_SECONDS = 5.0
FHIR_JSON = "application/fhir+json"


class PrefetchUnavailable(Exception):
    """A prefetch key that was neither sent nor could be fetched; ``reason`` holds no patient data."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"prefetch.{key}: {reason}")


@cache
def tls_context() -> ssl.SSLContext:
    """The system's trust store (where a hospital's own CA is installed), made once: building a TLS
    context costs 70-110 ms, more than a whole card."""
    return ssl.create_default_context()


def _failed(value: Any) -> bool:
    """An OperationOutcome where data should be: the EHR tried and could not."""
    return isinstance(value, Mapping) and value.get("resourceType") == "OperationOutcome"


def render(template: str, patient_id: str) -> str:
    return template.replace(PATIENT, quote(patient_id, safe=""))


@dataclass(frozen=True)
class Prefetched:
    """The data of every prefetch key, and the keys of which not every page was read."""

    data: dict[str, Any]
    incomplete: list[str]


async def resolve(
    prefetch: Mapping[str, Any] | None,
    *,
    patient_id: str,
    fhir_server: str | None,
    authorization: FhirAuthorization | None,
    timeout: float = FETCH_TIMEOUT_SECONDS,
) -> Prefetched:
    """Every key of :data:`PREFETCH`: as sent, or fetched (raises PrefetchUnavailable)."""
    given = dict(prefetch or {})
    out = {key: given[key] for key in PREFETCH if given.get(key) is not None and not _failed(given[key])}
    missing = [key for key in PREFETCH if key not in out]
    if not missing:
        return Prefetched(out, [])
    if not fhir_server:
        unavailable = [key for key in missing if key not in given or given[key] is not None]
        if unavailable:
            raise PrefetchUnavailable(
                unavailable[0], "absent or an OperationOutcome, and the request has no fhirServer to fetch it from"
            )
        return Prefetched(out, [])  # null: the EHR has no such data
    if not fhir_server.startswith(("https://", "http://")):
        raise PrefetchUnavailable(missing[0], "fhirServer is not an http(s) URL")
    base = fhir_server.rstrip("/") + "/"
    headers = {"Accept": FHIR_JSON}
    if authorization is not None:
        headers["Authorization"] = f"Bearer {authorization.access_token}"
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=timeout, follow_redirects=False, verify=tls_context()
    ) as client:
        fetched = await asyncio.gather(
            *(_fetch(client, base, key, render(PREFETCH[key], patient_id)) for key in missing)
        )
    out.update((key, data) for key, (data, _) in zip(missing, fetched, strict=True))
    incomplete = [key for key, (_, complete) in zip(missing, fetched, strict=True) if not complete]
    return Prefetched(out, incomplete)


async def _fetch(client: httpx.AsyncClient, base: str, key: str, path: str) -> tuple[Any, bool]:
    """The resource, or every page of a search as one Bundle; and whether every page was read."""
    body = await _get(client, key, path)
    if not (isinstance(body, dict) and body.get("resourceType") == "Bundle"):
        return body, True
    entries = list(body.get("entry") or [])
    pages = 1
    while True:
        link = next((x.get("url") for x in body.get("link") or [] if x.get("relation") == "next"), None)
        if link is None:
            complete = True
            break
        if not isinstance(link, str) or not link.startswith(base) or pages >= MAX_PAGES:
            complete = False
            break
        body = await _get(client, key, link)
        pages += 1
        if not isinstance(body, dict):
            complete = False
            break
        entries += body.get("entry") or []
    return {"resourceType": "Bundle", "type": "searchset", "entry": entries}, complete


async def _get(client: httpx.AsyncClient, key: str, path: str) -> Any:
    try:
        response = await client.get(path)
    except httpx.HTTPError as error:
        raise PrefetchUnavailable(key, f"fetching it from fhirServer failed ({type(error).__name__})") from None
    if response.status_code != 200:
        raise PrefetchUnavailable(key, f"fhirServer answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise PrefetchUnavailable(key, "fhirServer answered with something that is not JSON") from None
