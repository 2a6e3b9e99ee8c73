"""Process logging: one JSON object per line with the correlation id, trace id and service.

Log collectors (Loki, Elasticsearch, Cloud Logging) index JSON fields, so a chain of events
can be followed by its ``correlationid`` (the CloudEvents extension every event carries)
and joined with traces by ``trace_id``. The personal-data filter stays the last line of
defence: phone and ID-card numbers are scrubbed from the message and from tracebacks.

The correlation id lives in a context variable: the HTTP middleware sets it from the
``X-Correlation-Id`` request header, the consumer middleware from the event being handled,
and :func:`gongjian_shared.envelope.new_event` uses it for an event that has no cause.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from .privacy import RedactingFilter, RedactingFormatter, redact

_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar("gongjian_correlation", default=None)

NOISY = ("aiokafka", "pymongo", "faststream", "gongjian.broker")


def current_correlation() -> str | None:
    return _correlation.get()


def set_correlation(value: str | None) -> contextvars.Token:
    """Bind ``value`` to the current task (and the tasks it starts); reset with the token."""
    return _correlation.set(value)


def reset_correlation(token: contextvars.Token) -> None:
    _correlation.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``service``, ``correlationid``, ``trace_id`` and ``span_id`` to every record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlationid = _correlation.get()
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines whose traceback text is scrubbed like the message is."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))


JSON_FIELDS = ["asctime", "levelname", "name", "message", "service", "correlationid", "trace_id", "span_id"]


def configure_logging(level: str = "INFO", *, fmt: str = "json", service: str = "gongjian") -> None:
    """Route every logger through one stderr handler with the context and personal-data filters.

    ``fmt``: "json" (production) or "text" (a developer's terminal; the correlation id is kept).
    """
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter(service))
    handler.addFilter(RedactingFilter())
    if fmt == "json":
        handler.setFormatter(RedactingJsonFormatter(
            JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(RedactingFormatter(  # the whole line, tracebacks included
            "%(asctime)s %(levelname)s %(name)s [%(correlationid)s]: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel("WARNING")
