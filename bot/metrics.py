"""Prometheus metrics of a bot process: updates, handler latency, SQL per update, sends, sweeps, outbox depth.

With several worker processes (`yingcai run --workers N`, or PROMETHEUS_MULTIPROC_DIR set by a process
manager), each process writes its counters to files in that directory and any worker's `/metrics`
adds them all up (prometheus-client's multi-process mode).
"""
from __future__ import annotations

import contextvars
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

UPDATES = Counter("yingcai_updates", "Updates taken from Telegram, by kind and outcome", ["kind", "outcome"])
HANDLER_SECONDS = Histogram("yingcai_handler_seconds", "Time to handle one update (transaction and reply)",
                            buckets=(.005, .01, .02, .05, .1, .2, .5, 1, 2, 5, 10))
SQL_PER_UPDATE = Histogram("yingcai_sql_statements_per_update", "SQL statements run for one update",
                           buckets=(1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50))
SENDS = Counter("yingcai_sends", "Messages sent to Telegram, by purpose and result (sent, 429, 403, error)",
                ["purpose", "result"])
SWEEP_SECONDS = Histogram("yingcai_job_seconds", "Duration of scheduler jobs (sweeps, outbox runs)", ["job"],
                          buckets=(.01, .05, .1, .5, 1, 5, 10, 30, 60, 300))
WEBHOOK_REQUESTS = Counter("yingcai_webhook_requests", "Webhook requests by HTTP status", ["status"])


@dataclass
class _Statements:
    count: int = 0


_statements: contextvars.ContextVar[_Statements | None] = contextvars.ContextVar("yingcai_sql", default=None)


def count_statements(engine: AsyncEngine) -> None:
    """Counts SQL statements for the update being handled (SQLAlchemy's greenlets share its context)."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        counter = _statements.get()
        if counter is not None:
            counter.count += 1


@contextmanager
def handling(kind: str) -> Iterator[Callable[[str], None]]:
    """Measures one update; the caller reports its outcome (handled, refused, failed, duplicate, …)."""
    counter = _Statements()
    token = _statements.set(counter)
    started = time.perf_counter()
    outcome = ["failed"]
    try:
        yield lambda value: outcome.__setitem__(0, value)
    finally:
        _statements.reset(token)
        HANDLER_SECONDS.observe(time.perf_counter() - started)
        SQL_PER_UPDATE.observe(counter.count)
        UPDATES.labels(kind, outcome[0]).inc()


def sent(purpose: str, result: str) -> None:
    SENDS.labels(purpose, result).inc()


class _Snapshot:
    """Gauges read at scrape time (outbox depth by status), so every worker reports the same truth."""

    def __init__(self, depth: Mapping[str, int] | None) -> None:
        self.depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.depth is None:  # the database did not answer: no figure rather than a wrong one
            return
        family = GaugeMetricFamily("yingcai_outbox_messages", "Outbox rows by status", labels=["status"])
        known = dict.fromkeys(("pending", "sent", "unreachable", "failed"), 0)
        for status, count in sorted({**known, **self.depth}.items()):
            family.add_metric([status], count)
        yield family


async def exposition(outbox_depth: Callable[[], Awaitable[Mapping[str, int]]]) -> tuple[bytes, str]:
    """The text Prometheus scrapes: this process's (or all workers') metrics and the outbox depth now."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY  # type: ignore[assignment]
    depth: Mapping[str, int] | None
    try:
        depth = await outbox_depth()
    except Exception:  # noqa: BLE001 - the database is down: /readyz says so; metrics still answer
        depth = None
    body = generate_latest(registry)
    snapshot = CollectorRegistry()
    snapshot.register(_Snapshot(depth))  # type: ignore[arg-type]
    return body + generate_latest(snapshot), CONTENT_TYPE_LATEST


def forget_process(pid: int) -> None:
    """A worker exited: its live gauges go (multi-process mode keeps counters)."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def watch_jobs(scheduler: Any) -> None:
    """Times every APScheduler job (sweeps, outbox runs) from submission to its end, by job id."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED

    started: dict[tuple[str, Any], float] = {}

    def listen(event: Any) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            for moment in event.scheduled_run_times:
                started[(event.job_id, moment)] = time.perf_counter()
            while len(started) > 1000:  # runs that never reported back (a crash) are forgotten
                started.pop(next(iter(started)))
            return
        begun = started.pop((event.job_id, event.scheduled_run_time), None)
        if begun is not None:
            SWEEP_SECONDS.labels(event.job_id).observe(time.perf_counter() - begun)

    scheduler.add_listener(listen, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
