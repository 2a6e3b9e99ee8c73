"""Claims settings: shared ones plus this service's port, database and scheduler."""

from gongjian_shared.settings import ServiceSettings
from pydantic import AliasChoices, Field


class ClaimsSettings(ServiceSettings):
    port: int = Field(8002, validation_alias=AliasChoices("CLAIMS_PORT", "port"))
    database: str = Field("gongjian_claims", validation_alias=AliasChoices("CLAIMS_DB", "database"))
    # Supervision: how often each instance looks for due jobs, and how long it holds one.
    scheduler_interval_s: float = Field(
        2.0, validation_alias=AliasChoices("CLAIMS_SCHEDULER_INTERVAL_S", "scheduler_interval_s"))
    job_lease_s: float = Field(60.0, validation_alias=AliasChoices("CLAIMS_JOB_LEASE_S", "job_lease_s"))
    scheduler_enabled: bool = Field(True, validation_alias=AliasChoices("CLAIMS_SCHEDULER", "scheduler_enabled"))
