"""What a use case needs from outside the database: the settings and the queues.

The shell that runs a use case binds them: the app factory binds its own whenever one of its app
contexts is pushed (a request, a CLI command, a worker, a test), so the services read plain objects
here and never import Flask. The binding is a context variable: each thread (a gunicorn thread, a
worker's cron thread) sees the app it pushed, and two apps in one process never see each other's.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from scheduler.config import Settings
from scheduler.infra.queue import QueueService


@dataclass
class Runtime:
    settings: Settings
    queues: QueueService


_bound: ContextVar[Runtime | None] = ContextVar("refrain_runtime", default=None)


def bind(runtime: Runtime) -> None:
    _bound.set(runtime)


def current() -> Runtime:
    runtime = _bound.get()
    if runtime is None:
        raise RuntimeError("no Refrain app is bound here: run this inside an app context (create_app)")
    return runtime


def settings() -> Settings:
    return current().settings


def queues() -> QueueService:
    return current().queues
