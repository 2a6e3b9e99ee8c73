"""Claims settings: shared ones plus this service's port and database."""

from pydantic import AliasChoices, Field

from gongjian_shared.settings import ServiceSettings


class ClaimsSettings(ServiceSettings):
    port: int = Field(8002, validation_alias=AliasChoices("CLAIMS_PORT", "port"))
    database: str = Field("gongjian_claims", validation_alias=AliasChoices("CLAIMS_DB", "database"))
