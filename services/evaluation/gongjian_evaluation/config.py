"""Evaluation settings: shared ones plus this service's port and database."""

from pydantic import AliasChoices, Field

from gongjian_shared.settings import ServiceSettings


class EvaluationSettings(ServiceSettings):
    port: int = Field(8003, validation_alias=AliasChoices("EVALUATION_PORT", "port"))
    database: str = Field("gongjian_evaluation", validation_alias=AliasChoices("EVALUATION_DB", "database"))
