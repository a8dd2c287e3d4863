"""CDS Hooks latency over loopback: p50 and p99 of patient-view and order-select against the
specification's half-second budget (and the issue's aim of 50 ms).

Starts the service as a real process (``spinetriage cds serve``, or the web app with
``--target web``, which also stores the assessment it links to) on a fresh SQLite database,
then sends calls one at a time over one keep-alive connection, as an EHR does while a
clinician waits. The prefetch is a realistic chart: the myelopathy record of the tests plus
40 unrelated observations (vitals, labs), 12 other conditions and three long notes. A third
row fetches the same chart from a FHIR server on loopback instead (nothing prefetched).

    python benchmarks/cds.py [--calls 300] [--target cds|web]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from tests.cds.fhir_server import running_fhir_server
from tests.cds.hooks import LUMBAR_MRI, ORDER_SELECT, PATIENT_VIEW, draft_orders, request, service_request
from tests.fhir.records import MYELOPATHY_NOTE, myelopathy_record, note, prefetch_for
from tests.web.server import SERVE, free_port

BUDGET_MS = 500.0
AIM_MS = 50.0
FILLER = (
    "Seen in clinic for review of blood pressure and diabetes. Medication reconciled, no changes. "
    "Discussed diet and exercise; walks the dog daily. Flu vaccine given. Follow up in three months. "
)


def chart(pid: str = "p1") -> list[dict[str, Any]]:
    record = myelopathy_record(pid, with_mri=True)
    for i in range(40):
        record.append(
            {
                "resourceType": "Observation",
                "id": f"v{i}",
                "status": "final",
                "subject": {"reference": f"Patient/{pid}"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}], "text": "Systolic BP"},
                "valueQuantity": {"value": 120 + i % 15, "unit": "mm[Hg]"},
            }
        )
    for i in range(12):
        record.append(
            {
                "resourceType": "Condition",
                "id": f"k{i}",
                "subject": {"reference": f"Patient/{pid}"},
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}], "text": "Hypertension"},
            }
        )
    for i in range(3):
        record.append(note(f"m{i}", FILLER * 12 + MYELOPATHY_NOTE, pid))
    return record


@contextmanager
def serving(target: str, database_url: str, log: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-c", SERVE]
    command += ["cds", "serve"] if target == "cds" else ["serve"]
    command += ["--port", str(port), "--database-url", database_url, "--no-access-log"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINETRIAGE_")}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(log.read_text())
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def measure(client: httpx.Client, url: str, body: dict[str, Any], calls: int) -> list[float]:
    for _ in range(10):  # warm-up
        assert client.post(url, json=body).status_code == 200
    out = []
    for _ in range(calls):
        began = time.perf_counter()
        response = client.post(url, json=body)
        out.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and len(response.json()["cards"]) == 1, response.text[:300]
    return out


def row(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<34} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {ms[-1]:6.1f} ms   "
        f"p99 = {p99 / BUDGET_MS:.1%} of the {BUDGET_MS:.0f} ms budget ({'within' if p99 <= AIM_MS else 'over'} "
        f"the {AIM_MS:.0f} ms aim)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--target", choices=["cds", "web"], default="cds")
    args = parser.parse_args()
    record = chart()
    prefetch = prefetch_for(record)
    orders = draft_orders(service_request("sr1", "p1", {"coding": [LUMBAR_MRI]}))
    select = request(
        "order-select", "p1", prefetch, context={"draftOrders": orders, "selections": ["ServiceRequest/sr1"]}
    )
    with tempfile.TemporaryDirectory() as tmp, running_fhir_server(record, page=50) as fhir:
        database_url = f"sqlite:///{tmp}/bench.db"
        with serving(args.target, database_url, Path(tmp) / "server.log") as base, httpx.Client(timeout=30) as client:
            print(f"{args.target}: {len(record)} resources in the chart, {args.calls} calls each, one at a time")
            print(
                row(
                    "patient-view (prefetched)",
                    measure(client, base + PATIENT_VIEW, request("patient-view", "p1", prefetch), args.calls),
                )
            )
            print(row("order-select (prefetched)", measure(client, base + ORDER_SELECT, select, args.calls)))
            fetched = request("patient-view", "p1", fhirServer=fhir.url)
            print(
                row("patient-view (fetched from FHIR)", measure(client, base + PATIENT_VIEW, fetched, args.calls // 3))
            )


if __name__ == "__main__":
    main()
