"""Evaluation settings: shared ones plus this service's port, database and timings."""

from gongjian_shared.settings import ServiceSettings
from pydantic import AliasChoices, Field


class EvaluationSettings(ServiceSettings):
    port: int = Field(8003, validation_alias=AliasChoices("EVALUATION_PORT", "port"))
    database: str = Field("gongjian_evaluation", validation_alias=AliasChoices("EVALUATION_DB", "database"))
    # How often time-based checks run (inactivity alerts, campaigns due to close).
    tick_interval_s: float = Field(30.0, validation_alias=AliasChoices("EVALUATION_TICK_S", "tick_interval_s"))
    # At most one stats.snapshot per changed scope per interval.
    snapshot_interval_s: float = Field(1.0, validation_alias=AliasChoices("EVALUATION_SNAPSHOT_S",
                                                                          "snapshot_interval_s"))
    checkpoint_every: int = Field(500, validation_alias=AliasChoices("EVALUATION_CHECKPOINT_EVERY", "checkpoint_every"))
    batch_max_records: int = Field(2000, validation_alias=AliasChoices("EVALUATION_BATCH", "batch_max_records"))
    # The registry, asked for names officials may read (POST /names, with the caller's token).
    registry_url: str = Field("http://127.0.0.1:8001", validation_alias=AliasChoices("REGISTRY_URL", "registry_url"))
