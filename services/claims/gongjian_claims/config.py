"""Claims settings: shared ones plus this service's port, database and scheduler."""

from gongjian_shared.settings import ServiceSettings
from typing import Any

from pydantic import AliasChoices, Field

from .domain.evidence import DEFAULT_TYPES


class ClaimsSettings(ServiceSettings):
    port: int = Field(8002, validation_alias=AliasChoices("CLAIMS_PORT", "port"))
    database: str = Field("gongjian_claims", validation_alias=AliasChoices("CLAIMS_DB", "database"))
    # Supervision: how often each instance looks for due jobs, and how long it holds one.
    scheduler_interval_s: float = Field(
        2.0, validation_alias=AliasChoices("CLAIMS_SCHEDULER_INTERVAL_S", "scheduler_interval_s"))
    job_lease_s: float = Field(60.0, validation_alias=AliasChoices("CLAIMS_JOB_LEASE_S", "job_lease_s"))
    scheduler_enabled: bool = Field(True, validation_alias=AliasChoices("CLAIMS_SCHEDULER", "scheduler_enabled"))
    # Idle claims (issue 14): a claim with no service recorded this many days is released, after a
    # warning this many days before (0 days: never released automatically).
    claim_idle_days: float = Field(14.0, ge=0, validation_alias=AliasChoices("CLAIM_IDLE_DAYS", "claim_idle_days"))
    claim_idle_warn_days: float = Field(
        3.0, ge=0, validation_alias=AliasChoices("CLAIM_IDLE_WARN_DAYS", "claim_idle_warn_days"))
    # Check-in QR codes (扫码签到): how long a printed code works, and the portal its URL opens.
    checkin_days: float = Field(90, validation_alias=AliasChoices("CLAIMS_CHECKIN_DAYS", "checkin_days"))
    public_url: str = Field("http://127.0.0.1:8000", validation_alias=AliasChoices("GONGJIAN_PUBLIC_URL", "public_url"))
    # Notice channels (adapters/channels.py): the in-app list, and HTTP gateways as a JSON list of
    # {"name", "url", "token", "audiences", "kinds"} (SMS, WeChat template messages; no vendor wired in).
    notice_inbox: bool = Field(True, validation_alias=AliasChoices("CLAIMS_NOTICE_INBOX", "notice_inbox"))
    notice_gateways: list[dict[str, Any]] = Field(
        default_factory=list, validation_alias=AliasChoices("CLAIMS_NOTICE_GATEWAYS", "notice_gateways"))
    # Evidence (佐证材料): size per file, accepted types (checked on the content), files per
    # fulfilment or closing, and the GridFS chunk size (255 KiB: GridFS's default, far below 16 MiB).
    evidence_max_mb: float = Field(10, gt=0, le=100, validation_alias=AliasChoices("CLAIMS_EVIDENCE_MAX_MB",
                                                                                 "evidence_max_mb"))
    evidence_types: list[str] = Field(list(DEFAULT_TYPES), validation_alias=AliasChoices("CLAIMS_EVIDENCE_TYPES",
                                                                                          "evidence_types"))
    evidence_per_subject: int = Field(9, ge=1, le=100, validation_alias=AliasChoices("CLAIMS_EVIDENCE_PER_SUBJECT",
                                                                                   "evidence_per_subject"))
    evidence_chunk_kb: int = Field(255, ge=16, le=8192, validation_alias=AliasChoices("CLAIMS_EVIDENCE_CHUNK_KB",
                                                                                    "evidence_chunk_kb"))
