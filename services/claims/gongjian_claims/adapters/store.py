"""MongoDB collections of the claims service and their indexes."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING

DEMANDS = "demands"            # needs, positions, wishes, duties, projects (versioned, see journal.py)
CLAIMS = "claims"              # one document per claim (versioned)
SUGGESTIONS = "suggestions"    # versioned
JOURNAL = "journal"            # every change with its events: the only outbox collection
SEATS = "seats"                # capacity as unique seat ids (seats.py)
HOLDERS = "holders"            # one live claim per claimant per demand / resource
LOADS = "claimant_loads"       # open claims per claimant (the max-open-claims rule)
RATINGS = "ratings"            # one per resident per demand
LEASES = "job_leases"          # who runs a due job in which lease period
RESOURCES = "resources"        # the resource list: what units offer
CATALOGUE = "catalogue"        # categories and items
COMMUNITY_RULES = "community_rules"
JOBS = "due_jobs"              # supervision: time-based work still to do
JOB_LOG = "job_log"            # what each finished job did
NOTIFICATIONS = "notifications"  # journalled: each notice carries its notice.issued event
INBOX = "inbox"                # notices the in-app channel delivered (the mobile message list)
DELIVERIES = "notice_deliveries"  # <channel>|<notice id>: what each channel sent
MEETINGS = "meetings"
TASKS = "tasks"                # joint-meeting decisions tracked to closure
EVIDENCE = "evidence"          # evidence pieces (佐证材料); their bytes are in GridFS bucket "evidence"
INSPECTIONS = "inspections"    # quarterly inspections (督查) with their rectification items (versioned)
DISPATCH_STATS = "dispatch_stats"
SIGNUPS = "shift_signups"      # members signed up per shift of a position (versioned, service/shifts.py)
PLACES = "places"              # projection of registry.places.v1
MEMBERS = "members"            # projection of registry.members.v1 (specialties, where reported)
UNITS = "units"                # projection of registry.units.v1 (paired community)
BULK_BATCHES = "bulk_batches"  # events of a bulk write until published (bulk_writes.py)
MIGRATIONS = "migrations"      # one marker per data migration done (service/migrations.py)
# (the layouts landed before, demand_counts/count_markers/count_batches and then
# demand_totals/total_markers/total_batches, are left behind: a database that ran one counts
# again from scratch by the start-up migration)
COUNTERS = "list_totals"       # list totals per place and shard (adapters/counters.py)
MARKERS = "list_markers"       # per demand: the key it is counted under (adapters/count_markers.py)
BATCHES = "list_batches"       # a batch of new demands until counted (adapters/count_batches.py)
OUTBOX_COLLECTIONS = (JOURNAL,)

_INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    # Lists of a place filter on its level's scalar field and show the newest first (demands.listing).
    DEMANDS: [[("community_id", ASCENDING), ("published_at", DESCENDING)],
              [("street_id", ASCENDING), ("published_at", DESCENDING)],
              [("district_id", ASCENDING), ("published_at", DESCENDING)],
              [("city_id", ASCENDING), ("published_at", DESCENDING)],
              [("community_id", ASCENDING), ("status", ASCENDING)], [("street_id", ASCENDING), ("status", ASCENDING)],
              [("path", ASCENDING)], [("kind", ASCENDING), ("status", ASCENDING)], [("poster_id", ASCENDING)],
              [("path", ASCENDING), ("published_at", DESCENDING)]],  # the board's default order
    CLAIMS: [[("demand_id", ASCENDING)], [("claimant_id", ASCENDING), ("status", ASCENDING)],
             [("path", ASCENDING), ("status", ASCENDING)],
             [("community_id", ASCENDING), ("status", ASCENDING)]],  # the board's stage filter (service/board.py)
    SEATS: [[("pool", ASCENDING)]],
    LOADS: [[("claimant_id", ASCENDING)]],
    RATINGS: [[("demand_id", ASCENDING)]],
    SUGGESTIONS: [[("path", ASCENDING)], [("community_id", ASCENDING), ("status", ASCENDING)],
                  [("author_id", ASCENDING)]],
    RESOURCES: [[("unit_id", ASCENDING)], [("status", ASCENDING)]],
    JOBS: [[("due_hour", ASCENDING)], [("due_at", ASCENDING)]],
    NOTIFICATIONS: [[("recipient", ASCENDING), ("at", ASCENDING)]],
    INBOX: [[("recipient", ASCENDING), ("delivered_at", ASCENDING)]],
    TASKS: [[("path", ASCENDING)], [("status", ASCENDING)], [("meeting_id", ASCENDING)]],
    MEETINGS: [[("path", ASCENDING), ("held_at", DESCENDING)]],
    INSPECTIONS: [[("path", ASCENDING)], [("quarter", ASCENDING)]],
    EVIDENCE: [[("demand_id", ASCENDING)]],
    HOLDERS: [[("pool", ASCENDING)], [("holder", ASCENDING)]],
    CATALOGUE: [[("category", ASCENDING)]],
    PLACES: [[("path", ASCENDING)]],
    MEMBERS: [[("communities", ASCENDING)]],
    UNITS: [[("paired_community_id", ASCENDING)]],
    DISPATCH_STATS: [[("community_id", ASCENDING)]],
    SIGNUPS: [[("shift_id", ASCENDING)], [("claimant_id", ASCENDING)], [("demand_id", ASCENDING)]],
    # A list total sums the counters of one place; the repair finds unfinished moves and changes.
    COUNTERS: [[("place", ASCENDING)]],
    MARKERS: [[("busy", ASCENDING)]],
    JOURNAL: [[("counting", ASCENDING)]],
}


async def ensure_indexes(db: Any) -> None:
    # One change per aggregate and version: what makes the journal's changes exclusive.
    await db[JOURNAL].create_index([("aggregate", ASCENDING), ("seq", ASCENDING)], unique=True,
                                   name="one_change_per_version")
    for collection, indexes in _INDEXES.items():
        for keys in indexes:
            await db[collection].create_index(keys)


def public(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored document without its storage-only fields."""
    if doc is None:
        return None
    return {k: v for k, v in doc.items() if k not in ("outbox", "outbox_pending", "applied_events")}
