"""Registry settings: shared ones plus this service's port, database and data keys."""

from pydantic import AliasChoices, Field

from gongjian_shared.settings import ServiceSettings

# Development defaults only; production sets both from a secret store.
DEV_DATA_KEY = "Z29uZ2ppYW4tZGV2LWRhdGEta2V5LTMyLWJ5dGVzISE="  # base64 of 32 bytes
DEV_PERSON_KEY = "gongjian-development-person-key-change-me"


class RegistrySettings(ServiceSettings):
    port: int = Field(8001, validation_alias=AliasChoices("REGISTRY_PORT", "port"))
    database: str = Field("gongjian_registry", validation_alias=AliasChoices("REGISTRY_DB", "database"))
    # AES-256-GCM key (base64, 32 bytes) for phone and ID numbers at rest.
    data_key: str = Field(DEV_DATA_KEY, validation_alias=AliasChoices("REGISTRY_DATA_KEY", "data_key"))
    # Key rotation: every data key by id (JSON {"2026-12": "<base64>"}) and the id new writes use.
    # REGISTRY_DATA_KEY stays the key of id "v1" (the first format); keep a key until rekey has run.
    data_keys: dict[str, str] = Field(default_factory=dict,
                                      validation_alias=AliasChoices("REGISTRY_DATA_KEYS", "data_keys"))
    data_key_id: str = Field("v1", validation_alias=AliasChoices("REGISTRY_DATA_KEY_ID", "data_key_id"))
    # HMAC key for the person key (duplicate detection without storing the ID number in clear).
    person_key: str = Field(DEV_PERSON_KEY, validation_alias=AliasChoices("REGISTRY_PERSON_KEY", "person_key"))
    # HMAC key of the phone blind index (sign-in by phone); derived from the person key when unset.
    phone_index_key: str | None = Field(None, validation_alias=AliasChoices("REGISTRY_PHONE_INDEX_KEY", "phone_index_key"))
    import_batch_size: int = Field(5000, validation_alias=AliasChoices("REGISTRY_IMPORT_BATCH", "import_batch_size"))
    def vault_keys(self) -> dict[str, str]:
        return {"v1": self.data_key, **self.data_keys}

    max_upload_mb: int = Field(64, validation_alias=AliasChoices("REGISTRY_MAX_UPLOAD_MB", "max_upload_mb"))
