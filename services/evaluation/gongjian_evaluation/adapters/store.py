"""MongoDB collections of the evaluation service.

FerretDB (SQLite) scans a whole collection for every update and every query that is not a plain
``{_id: ...}`` match, so the busy path only INSERTS: one journal document per consumed batch. The
read state lives in memory (``domain.state``) and is rebuilt from a checkpoint plus the journal.
"""

from typing import Any

JOURNAL = "journal"  # one doc per applied batch or command: the events applied, offsets, pending outbox
CHECKPOINTS = "checkpoints"  # pickled state in chunks + a "checkpoint" head document
RULES = "rules"  # point rule versions (write model, city admin)
CONFIG = "config"  # rating criteria, year-end weights, health thresholds
ALERTS = "alerts"  # one doc per alert (kind:subject[:year]) with its outbox
CAMPAIGNS = "campaigns"  # two-way evaluation campaigns, their reviews and results, with outbox
ASSESSMENTS = "assessments"  # a community's opinion of a member for a year
COMMENDATIONS = "commendations"  # published commendation lists

OUTBOX_COLLECTIONS = (ALERTS, CAMPAIGNS)  # the journal has its own relay (adapters.journal_relay)


async def ensure_indexes(db: Any) -> None:
    await db[ALERTS].create_index("status")
    await db[CAMPAIGNS].create_index("district_id")


def safe_key(value: str) -> str:
    """Ids become document keys; FerretDB refuses '.' and '$' in keys."""
    return str(value).replace(".", "·").replace("$", "＄")
