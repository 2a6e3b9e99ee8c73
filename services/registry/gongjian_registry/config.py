"""Registry settings: shared ones plus this service's port and database."""

from pydantic import AliasChoices, Field

from gongjian_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    port: int = Field(8001, validation_alias=AliasChoices("REGISTRY_PORT", "port"))
    database: str = Field("gongjian_registry", validation_alias=AliasChoices("REGISTRY_DB", "database"))
