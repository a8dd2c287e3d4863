"""Storing assessments over loopback: requests per second and p50/p99 latency.

Starts ``spinetriage serve`` in a subprocess (uvicorn, N worker processes) on a fresh
database, then drives ``POST /api/v1/assessments`` from concurrent keep-alive clients
(asyncio, raw HTTP/1.1, so the load generator costs little CPU) and checks afterwards
that every acknowledged request was stored. Target (issue 5): >= 500 requests/s with
p99 < 50 ms on the 2-core development machine; the client shares those cores.

    python benchmarks/api.py [--workers 2] [--clients 8] [--requests 4000] [--token]
                             [--database-url sqlite:///PATH?synchronous=full | postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from tests.web.server import running_server

from spinetriage import assess
from spinetriage.assessment import default_model
from spinetriage.web.auth import Accounts
from spinetriage.web.db import AssessmentRow, Database

RUN = f"bench{uuid.uuid4().hex[:8]}"  # labels of this run, to count its rows in a shared database


def cases(n: int, seed: int = 5) -> list[bytes]:
    linked = sorted(default_model().conditions_of_finding)
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        findings = {f: rnd.choice(["present", "absent"]) for f in rnd.sample(linked, rnd.randint(3, 12))}
        out.append(json.dumps({"age": rnd.randint(18, 95), "findings": findings}).encode())
    return out


async def client(port: int, bodies: list[bytes], jobs: asyncio.Queue[int], latencies: list[float], auth: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        while True:
            try:
                n = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return errors
            body = bodies[n % len(bodies)]
            head = (
                f"POST /api/v1/assessments?label={RUN}-{n} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"{auth}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            began = time.perf_counter()
            writer.write(head + body)
            headers = await reader.readuntil(b"\r\n\r\n")
            lines = headers.split(b"\r\n")
            length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:"))
            reply = await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if not headers.startswith(b"HTTP/1.1 201"):
                errors += 1
                if errors <= 3:
                    print("error:", lines[0].decode(), reply[:300].decode(errors="replace"), file=sys.stderr)
    finally:
        writer.close()


async def drive(
    port: int, bodies: list[bytes], first: int, count: int, clients: int, auth: str = ""
) -> tuple[float, list[float], int]:
    jobs: asyncio.Queue[int] = asyncio.Queue()
    for n in range(first, first + count):
        jobs.put_nowait(n)
    latencies: list[float] = []
    began = time.perf_counter()
    errors = await asyncio.gather(*(client(port, bodies, jobs, latencies, auth) for _ in range(clients)))
    return time.perf_counter() - began, latencies, sum(errors)


def group_cpu_seconds(pgid: int) -> float:
    """User+system CPU time of every process in a process group (Linux /proc), the server's cost."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """User+system CPU time of this machine's PostgreSQL: every ``postgres`` process, plus the backends
    that have ended (the postmaster's reaped children). Other clients' work counts too."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if name.endswith("(postgres"):
            values = fields.split()
            total += int(values[11]) + int(values[12])
            if values[1] == "1":  # the postmaster (its parent is init): add the backends it has reaped
                total += int(values[13]) + int(values[14])
    return total / os.sysconf("SC_CLK_TCK")


def add_token_user(url: str) -> str:
    """A user of this run with an API token (the user's presence makes the server require login)."""
    database = Database(url)
    database.upgrade()
    accounts = Accounts(database)
    accounts.add_user(RUN, secrets.token_urlsafe(16))
    token = accounts.create_token(RUN, label="benchmark")
    database.dispose()
    return token


def remove_token_user(url: str) -> None:
    database = Database(url)
    Accounts(database).remove_user(RUN)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file (WAL)")
    parser.add_argument("--no-access-log", action="store_true", help="serve without the access log (default: on)")
    parser.add_argument(
        "--token",
        action="store_true",
        help="send an API token (a user is added for the run, so the server requires login, as beyond loopback)",
    )
    args = parser.parse_args()

    load = os.getloadavg()
    bodies = cases(200)
    engine_ms = []
    for body in bodies[:100]:
        began = time.perf_counter()
        assess(json.loads(body))
        engine_ms.append((time.perf_counter() - began) * 1000)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        log = Path(tmp) / "server.log"
        auth = f"Authorization: Bearer {add_token_user(url)}\r\n" if args.token else ""
        try:
            with running_server(url, log, workers=args.workers, access_log=not args.no_access_log) as server:
                port = int(server.url.rsplit(":", 1)[1])
                asyncio.run(drive(port, bodies, 0, args.warmup, args.clients, auth))
                server_cpu = group_cpu_seconds(server.process.pid)
                database_cpu = postgres_cpu_seconds()
                client_cpu = time.process_time()
                seconds, latencies, errors = asyncio.run(
                    drive(port, bodies, args.warmup, args.requests, args.clients, auth)
                )
                server_cpu = group_cpu_seconds(server.process.pid) - server_cpu
                database_cpu = postgres_cpu_seconds() - database_cpu
                client_cpu = time.process_time() - client_cpu
        finally:
            if args.token:
                remove_token_user(url)
        if errors:
            print(log.read_text()[-3000:], file=sys.stderr)
        database = Database(url)
        with database.sessions() as session:
            stored = session.scalar(
                select(func.count()).select_from(AssessmentRow).where(AssessmentRow.label.like(f"{RUN}-%"))
            )
        database.dispose()

    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    backend = url.split(":", 1)[0]
    logging = "off" if args.no_access_log else "on"
    print(f"POST /api/v1/assessments over loopback: {backend}, {args.workers} worker(s), {args.clients} clients")
    print(f"  access log {logging}; {'API token (login required)' if args.token else 'local mode (no login)'}")
    print(f"  {args.requests} requests in {seconds:.2f} s: {args.requests / seconds:.0f} requests/s")
    print(f"  latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; errors {errors}")
    print(f"  stored {stored} of {args.warmup + args.requests} sent (warm-up included)")
    per_request = server_cpu / args.requests * 1000
    client_ms = client_cpu / args.requests * 1000
    print(f"  server CPU {per_request:.2f} ms per request (all workers), load generator {client_ms:.2f} ms")
    if backend.startswith("postgresql") and database_cpu > 0:
        database_ms = database_cpu / args.requests * 1000
        print(f"  PostgreSQL on this machine: CPU {database_ms:.2f} ms per request (all its clients' work)")
    print(f"  machine load average before the run: {load[0]:.2f} on {os.cpu_count()} cores")
    print(f"  engine alone (in-process, this script): median {statistics.median(engine_ms):.2f} ms per assessment")
    print("  target: >= 500 requests/s and p99 < 50 ms")


if __name__ == "__main__":
    main()
