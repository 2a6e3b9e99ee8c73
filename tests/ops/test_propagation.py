"""Calls from one service to the next (the portal forwarding to claims) carry the trace and the correlation id."""

from __future__ import annotations

import httpx

from gongjian_shared.logs import reset_correlation, set_correlation
from gongjian_shared.settings import ServiceSettings
from gongjian_shared.tracing import configure_tracing, httpx_hooks, tracer


async def test_forwarded_request_continues_the_trace_and_the_chain():
    configure_tracing(ServiceSettings(), "portal")
    seen: list[httpx.Headers] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream), event_hooks=httpx_hooks()) as client:
        token = set_correlation("chain-9")
        try:
            with tracer().start_as_current_span("portal forward") as span:
                # A browser's own traceparent is replaced by the portal's span, its child.
                await client.get("http://claims/demands", headers={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
        finally:
            reset_correlation(token)
        await client.get("http://claims/demands")  # outside any span or chain: nothing invented

    context = span.get_span_context()
    version, trace_id, parent_id, flags = seen[0]["traceparent"].split("-")
    assert (trace_id, parent_id) == (format(context.trace_id, "032x"), format(context.span_id, "016x"))
    assert seen[0]["x-correlation-id"] == "chain-9"
    assert "traceparent" not in seen[1] and "x-correlation-id" not in seen[1]
