"""The topic table of CONTRACTS.md: one topic per aggregate, keyed by aggregate id."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    key: str
    event_types: tuple[str, ...]
    compacted: bool = False

    @property
    def dlq(self) -> str:
        return dead_letter_topic(self.name)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic("registry.places.v1", "place id", ("place.created", "place.updated")),
        Topic(
            "registry.units.v1",
            "unit id",
            ("unit.registered", "unit.reported", "unit.agreement_signed", "unit.updated"),
        ),
        Topic(
            "registry.members.v1",
            "member id",
            (
                "member.registered",
                "member.reported",
                "member.updated",
                "member.transferred",
                "member.deactivated",
            ),
        ),
        Topic(
            "claims.demands.v1",
            "demand id",
            (
                "demand.published",
                "demand.claimed",
                "demand.claim_released",
                "demand.fulfilled",
                "demand.verified",
                "demand.rated",
                "demand.overdue",
                "demand.closed",
                "demand.evidence_attached",
                # shifts of a position (班次): sign-up, cancel, check-in/out, a member's hours on one shift
                "shift.signed_up",
                "shift.signup_cancelled",
                "shift.checked_in",
                "shift.checked_out",
                "shift.hours_recorded",
                "demand.capacity_changed",
            ),
        ),
        Topic("claims.wishes.v1", "wish id", ("wish.posted", "wish.approved", "wish.rejected", "wish.answered")),
        Topic(
            "claims.suggestions.v1",
            "suggestion id",
            ("suggestion.received", "suggestion.assigned", "suggestion.resolved", "suggestion.answered"),
        ),
        # Notices (提醒/通知) to members, residents and staff; channels (SMS, WeChat) read them.
        Topic("claims.notices.v1", "notice id", ("notice.issued",)),
        Topic(
            "claims.inspections.v1",
            "inspection id",
            (
                "inspection.recorded",
                "inspection.rectification_overdue",
                "inspection.rectification_escalated",
                "inspection.rectification_closed",
            ),
        ),
        Topic("evaluation.ledger.v1", "member or unit id", ("points.awarded", "points.revoked")),
        Topic("evaluation.reviews.v1", "reviewed party id", ("review.submitted", "review.graded")),
        Topic("evaluation.alerts.v1", "subject id", ("alert.raised", "alert.cleared")),
        Topic("evaluation.stats.v1", "scope", ("stats.snapshot",), compacted=True),
    )
}

REGISTRY_PLACES = "registry.places.v1"
REGISTRY_UNITS = "registry.units.v1"
REGISTRY_MEMBERS = "registry.members.v1"
CLAIMS_DEMANDS = "claims.demands.v1"
CLAIMS_WISHES = "claims.wishes.v1"
CLAIMS_SUGGESTIONS = "claims.suggestions.v1"
CLAIMS_NOTICES = "claims.notices.v1"
CLAIMS_INSPECTIONS = "claims.inspections.v1"
EVALUATION_LEDGER = "evaluation.ledger.v1"
EVALUATION_REVIEWS = "evaluation.reviews.v1"
EVALUATION_ALERTS = "evaluation.alerts.v1"
EVALUATION_STATS = "evaluation.stats.v1"


def topic_for_event_type(event_type: str) -> Topic:
    short = event_type.removeprefix("gongjian.")
    for topic in TOPICS.values():
        if short in topic.event_types:
            return topic
    raise KeyError(f"no topic carries event type {event_type!r}")
