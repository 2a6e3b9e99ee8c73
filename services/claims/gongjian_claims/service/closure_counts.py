"""Suggestions counted by handling mode (领办/代办/上门) and by the author's 解决了吗 answer.

Two $group stages with $sum only (every MongoDB-wire server answers them). The answer
counted is the latest one of each suggestion; the satisfaction rate is resolved ÷ answered,
as hotlines count 满意率 from the return visit (回访).
"""

from __future__ import annotations

from typing import Any

from ..adapters.store import SUGGESTIONS
from ..domain.closure import ANSWERS
from ..domain.suggestions import MODES


async def _grouped(db: Any, place_id: str, field: str) -> dict[str, int]:
    cursor = await db[SUGGESTIONS].aggregate([
        {"$match": {"path": place_id, field: {"$ne": None}}},
        {"$group": {"_id": f"${field}", "n": {"$sum": 1}}}])
    return {row["_id"]: row["n"] for row in await cursor.to_list(None) if row["_id"] is not None}


async def by_mode_and_answer(db: Any, place_id: str) -> dict[str, Any]:
    """``{by_mode: [{mode, label, count}], by_answer: [{answer, label, count}], answered, satisfaction_rate}``.

    ``satisfaction_rate`` is a fraction 0–1 (None before any answer).
    """
    modes, answers = await _grouped(db, place_id, "mode"), await _grouped(db, place_id, "answer")
    answered = sum(answers.values())
    return {"by_mode": [{"mode": m, "label": label, "count": modes.get(m, 0)} for m, label in MODES.items()],
            "by_answer": [{"answer": a, "label": label, "count": answers.get(a, 0)} for a, label in ANSWERS.items()],
            "answered": answered,
            "satisfaction_rate": round(answers.get("resolved", 0) / answered, 4) if answered else None}
