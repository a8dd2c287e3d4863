"""A tiny real FHIR server for the tests: uvicorn on a free loopback port, serving fixture resources.

Reads (``GET /fhir/Patient/p1``) and searches by patient (``GET /fhir/Observation?patient=p1``),
paged two entries at a time with ``next`` links (so the client must follow them); every request's
path and Authorization header are recorded; ``fail`` makes a resource type answer an error status.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.web.server import free_port


@dataclass
class FhirServer:
    url: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)
    page: int = 2

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _app(server: FhirServer) -> FastAPI:
    app = FastAPI()

    @app.get("/fhir/{kind}/{rid}")
    async def read(kind: str, rid: str, request: Request) -> JSONResponse:
        server.requests.append((request.url.path, request.headers.get("authorization")))
        if kind in server.fail:
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=server.fail[kind])
        for resource in server.resources:
            if resource["resourceType"] == kind and resource.get("id") == rid:
                return JSONResponse(resource, media_type="application/fhir+json")
        return JSONResponse({"resourceType": "OperationOutcome"}, status_code=404)

    @app.get("/fhir/{kind}")
    async def search(kind: str, request: Request) -> JSONResponse:
        server.requests.append((str(request.url.path) + "?" + request.url.query, request.headers.get("authorization")))
        if kind in server.fail:
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=server.fail[kind])
        patient = request.query_params.get("patient")
        page = int(request.query_params.get("_page", "0"))
        found = [
            r
            for r in server.resources
            if r["resourceType"] == kind and r.get("subject", {}).get("reference") == f"Patient/{patient}"
        ]
        body: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [{"resource": r} for r in found[page * server.page : (page + 1) * server.page]],
        }
        if (page + 1) * server.page < len(found):
            query = request.url.query.split("&_page=")[0]
            body["link"] = [{"relation": "next", "url": f"{server.url}/{kind}?{query}&_page={page + 1}"}]
        return JSONResponse(body, media_type="application/fhir+json")

    return app


@contextmanager
def running_fhir_server(resources: list[dict[str, Any]], page: int = 2) -> Iterator[FhirServer]:
    """The server on a free port; searches answer ``page`` entries at a time."""
    port = free_port()
    server = FhirServer(url=f"http://127.0.0.1:{port}/fhir", resources=list(resources), page=page)
    config = uvicorn.Config(_app(server), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test FHIR server did not start")
        time.sleep(0.02)
    try:
        yield server
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
