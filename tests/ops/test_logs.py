"""Service logs are JSON lines carrying the correlation id and trace id, and stay free of personal data."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry import trace

from gongjian_shared.logs import configure_logging, reset_correlation, set_correlation
from gongjian_shared.settings import ServiceSettings
from gongjian_shared.tracing import configure_tracing, tracer


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_correlation_and_trace_and_no_personal_data():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_tracing(ServiceSettings(), "claims")  # as every service runtime does
        configure_logging("INFO", fmt="json", service="claims")
        stream = io.StringIO()
        root.handlers[0].setStream(stream)
        log = logging.getLogger("gongjian.test")
        token = set_correlation("chain-7")
        try:
            with tracer().start_as_current_span("work") as span:
                log.info("called %s about the need", "13812345678")
                try:
                    raise ValueError("身份证 110101199003071234 rejected")
                except ValueError:
                    log.exception("handler failed")
        finally:
            reset_correlation(token)
        log.info("outside any chain")
        first, failure, outside = _lines(stream)
        trace_id = format(span.get_span_context().trace_id, "032x")
        assert first["service"] == "claims" and first["level"] == "INFO" and first["logger"] == "gongjian.test"
        assert first["correlationid"] == "chain-7" and first["trace_id"] == trace_id
        assert "13812345678" not in json.dumps(first, ensure_ascii=False) and "[手机号已隐藏]" in first["message"]
        assert "110101199003071234" not in json.dumps(failure, ensure_ascii=False)
        assert "ValueError" in failure["exc_info"]
        assert outside["correlationid"] is None and outside["trace_id"] is None
        assert not trace.get_current_span().get_span_context().is_valid
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
