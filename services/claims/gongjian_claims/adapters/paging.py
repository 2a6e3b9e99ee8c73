"""One page of a collection, sorted and cut in the database: the shape every paged list answers."""

from __future__ import annotations

from typing import Any

from fastapi import Response


async def page(collection: Any, flt: dict[str, Any], sort: list[tuple[str, int]], *, limit: int,
               offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(count of all documents matching ``flt``, the ``limit`` of them from ``offset`` in ``sort`` order).

    ``sort`` should end in a unique field (``_id``) so that pages neither repeat nor skip rows.
    """
    total = await collection.count_documents(flt)
    docs = await collection.find(flt).sort(sort).skip(offset).limit(limit).to_list(None)
    return total, docs


def with_total(response: Response, body: dict[str, Any]) -> dict[str, Any]:
    """The page body ``{total, items, …}``, its ``total`` also in ``X-Total-Count`` (clients that read headers)."""
    response.headers["X-Total-Count"] = str(body["total"])
    return body
