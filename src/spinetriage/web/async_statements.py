"""PostgreSQL statements run on the server's event loop, for the hot write path.

Storing an assessment (and, beyond local mode, looking up the API token of every request)
through the synchronous engine means a hop to a worker thread and
back, and the GIL handed between the threads around each wait: measured, about 0.4 ms of a
worker's CPU per request, a fifth of all it spends. Here the INSERT is sent from the event
loop itself through psycopg's asynchronous connections, and the loop serves other requests
while PostgreSQL commits. The statement is the same SQLAlchemy statement, compiled for the
same dialect with the same bind processors, so both paths store identical rows.

The connections come from psycopg's own pool (:class:`psycopg_pool.AsyncConnectionPool`, in
autocommit), opened and closed with the app (its lifespan), so they belong to one event loop;
outside it (:meth:`AsyncStatements.usable` false) callers use the synchronous engine. The pool
hands a connection out only after a check that costs no round trip while it is sound, like the
engine's pool: a connection the server has closed (restart, terminated backend, idle timeout)
has a readable socket (:func:`spinetriage.web.db.socket_readable`), is pinged then, and is
replaced if the ping fails. After a failed check the pool tries another connection at once, but
waits 1, 2, 4... seconds before each further try (measured: 3 s with three dead connections; ten,
after a restart, would exceed its 30 s timeout and fail the request). So on the first failure every
idle connection is checked (:meth:`~psycopg_pool.AsyncConnectionPool.check`) and the dead ones
replaced. With autocommit, a statement that failed leaves its connection idle and reusable; when a
request is cancelled psycopg cancels its statement on the server first; a connection that comes back
broken, or still mid-statement, is discarded by the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from spinetriage.web.db import socket_readable

POOL_SIZE = 10
MIN_IDLE = 1  # connections kept open while idle; the pool grows to ``size`` under load


class AsyncStatements:
    """Single statements in autocommit (each its own transaction) on psycopg async connections."""

    def __init__(self, engine: Engine, size: int = POOL_SIZE) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("asynchronous statements are for PostgreSQL")
        self.dialect = engine.dialect
        args, params = engine.dialect.create_connect_args(engine.url)
        self._conninfo = str(args[0]) if args else ""
        self._connect_params = {**params, "autocommit": True}
        self._size = size
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._compiled: dict[tuple[ClauseElement, tuple[str, ...]], tuple[str, dict[str, Callable[[Any], Any]]]] = {}

    @property
    def pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[Any]] | None:
        """The open pool (None while closed)."""
        return self._pool

    async def open(self) -> None:
        """Serve statements on the running event loop (the app's lifespan calls this at start).

        A fresh pool each time: a closed psycopg pool cannot be reopened, and an app may start again."""
        if self._pool is not None:
            raise RuntimeError("AsyncStatements is already open: close it first")
        pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            self._conninfo,
            kwargs=self._connect_params,
            min_size=min(MIN_IDLE, self._size),
            max_size=self._size,
            open=False,
            check=self._check,
            name="spinetriage-async",
        )
        await pool.open()
        self._pool, self._loop = pool, asyncio.get_running_loop()

    async def close(self) -> None:
        """Close the pool and its connections; the app's lifespan calls this at shutdown."""
        pool, self._pool, self._loop = self._pool, None, None
        if pool is not None:
            await pool.close()

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
        if self._pool is None or not self.usable():
            raise RuntimeError("AsyncStatements used outside the event loop it was opened on")
        async with self._pool.connection() as connection:
            cursor = await connection.execute(sql, values)
            row = await cursor.fetchone() if fetch else None
        return None if row is None else row[0]

    async def _check(self, connection: psycopg.AsyncConnection[Any]) -> None:
        """The pool's check before it hands ``connection`` out: raises if the server has closed it."""
        if not (connection.closed or connection.broken):
            if not socket_readable(connection.fileno()):
                return  # sound: nothing arrives on an idle connection unless the server is closing it
            try:
                await AsyncConnectionPool.check_connection(connection)  # readable: ping it
                return
            except psycopg.Error:
                pass
        await connection.close()  # so the pool discards it (a closed connection) and opens another
        if self._pool is not None:
            await self._pool.check()  # the others likely went with it (a restart): replace them now
        raise psycopg.OperationalError("the server closed the pooled connection")

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
