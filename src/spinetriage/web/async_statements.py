"""PostgreSQL statements run on the server's event loop, for the hot write path.

Storing an assessment (and, beyond local mode, looking up the API token of every request)
through the synchronous engine means a hop to a worker thread and
back, and the GIL handed between the threads around each wait: measured, about 0.4 ms of a
worker's CPU per request, a fifth of all it spends. Here the INSERT is sent from the event
loop itself through psycopg's asynchronous connections, and the loop serves other requests
while PostgreSQL commits. The statement is the same SQLAlchemy statement, compiled for the
same dialect with the same bind processors, so both paths store identical rows.

The connections live in a small pool opened and closed with the app (its lifespan), so
they belong to one event loop; outside it (:meth:`AsyncStatements.usable` false) callers use
the synchronous engine. Like the engine's pool, a connection the server has closed is
noticed without a round trip and replaced (see :func:`spinetriage.web.db.socket_readable`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from spinetriage.web.db import socket_readable

POOL_SIZE = 10


class AsyncStatements:
    """Single statements in autocommit (each its own transaction) on psycopg async connections."""

    def __init__(self, engine: Engine, size: int = POOL_SIZE) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("asynchronous statements are for PostgreSQL")
        self.dialect = engine.dialect
        args, self._connect_params = engine.dialect.create_connect_args(engine.url)
        self._connect_args = list(args)
        self._size = size
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._compiled: dict[tuple[ClauseElement, tuple[str, ...]], tuple[str, dict[str, Callable[[Any], Any]]]] = {}

    async def open(self) -> None:
        """Serve statements on the running event loop (the app's lifespan calls this at start)."""
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self._size)

    async def close(self) -> None:
        """Close the idle connections; the app's lifespan calls this at shutdown."""
        self._loop = None
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    def usable(self) -> bool:
        """True inside the event loop the pool was opened on."""
        try:
            return self._loop is not None and asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    async def execute(self, statement: ClauseElement, params: dict[str, Any]) -> None:
        """Run ``statement`` (an INSERT: ``params`` name its columns) as one autocommitted statement: one round trip."""
        await self._run(statement, params)

    async def scalar(self, statement: ClauseElement, params: dict[str, Any]) -> Any:
        """The first column of the first row of a SELECT (``params`` name its bind parameters), or None.
        Values come as psycopg reads them: meant for plain columns (strings, numbers)."""
        return await self._run(statement, params, fetch=True)

    async def _run(self, statement: ClauseElement, params: dict[str, Any], fetch: bool = False) -> Any:
        sql, processors = self._compile(statement, tuple(params))
        values = {key: processors[key](value) if key in processors else value for key, value in params.items()}
        if self._slots is None or not self.usable():
            raise RuntimeError("AsyncStatements used outside the event loop it was opened on")
        async with self._slots:
            connection = await self._connection()
            try:
                cursor = await connection.execute(sql, values)
                row = await cursor.fetchone() if fetch else None
            except BaseException:
                await connection.close()  # its state is unknown (an error, a cancellation): never reuse it
                raise
            if self._loop is None:  # closed meanwhile
                await connection.close()
            else:
                self._idle.append(connection)
        return None if row is None else row[0]

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        while self._idle:
            connection = self._idle.pop()
            if not (connection.closed or connection.broken or socket_readable(connection.fileno())):
                return connection
            await connection.close()  # the server closed it (restart, terminated backend, timeout)
        return await psycopg.AsyncConnection.connect(*self._connect_args, autocommit=True, **self._connect_params)

    def _compile(self, statement: ClauseElement, keys: tuple[str, ...]) -> tuple[str, dict[str, Callable[[Any], Any]]]:
        cached = self._compiled.get((statement, keys))
        if cached is None:
            compiled = statement.compile(dialect=self.dialect, column_keys=list(keys))
            if not isinstance(compiled, SQLCompiler):
                raise TypeError("not a SQL statement")
            processors: dict[str, Callable[[Any], Any]] = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.dialect_impl(self.dialect).bind_processor(self.dialect)
                if processor is not None:
                    processors[name] = processor
            if set(compiled.binds) != set(keys):
                raise ValueError("each parameter must name a column or bind parameter of the statement")
            cached = (compiled.string, processors)
            self._compiled[(statement, keys)] = cached
        return cached
