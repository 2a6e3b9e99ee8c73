"""Settings every service shares, read from the environment (pydantic-settings).

Each service subclasses :class:`ServiceSettings` to add its own port and database name.
The names of the shared variables are fixed by CONTRACTS.md, so they carry no prefix.
"""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "gongjian-development-secret-change-me-in-production"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers")
    )
    mongodb_url: str = Field(
        "mongodb://127.0.0.1:27017/?directConnection=true",
        validation_alias=AliasChoices("MONGODB_URL", "mongodb_url"),
    )
    # Prepended to every topic and consumer group name; empty in production.
    # Tests set it so that runs never see each other's events.
    topic_prefix: str = Field("", validation_alias=AliasChoices("GONGJIAN_TOPIC_PREFIX", "topic_prefix"))
    jwt_secret: str = Field(DEV_JWT_SECRET, validation_alias=AliasChoices("GONGJIAN_JWT_SECRET", "jwt_secret"))
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("GONGJIAN_HOST", "host"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("GONGJIAN_LOG_LEVEL", "log_level"))
    # Consumer retries before a message goes to the dead-letter topic.
    max_delivery_attempts: int = Field(
        3, validation_alias=AliasChoices("GONGJIAN_MAX_DELIVERY_ATTEMPTS", "max_delivery_attempts")
    )

    topic_partitions: int = Field(3, validation_alias=AliasChoices("GONGJIAN_TOPIC_PARTITIONS", "topic_partitions"))
    topic_replication: int = Field(1, validation_alias=AliasChoices("GONGJIAN_TOPIC_REPLICATION", "topic_replication"))

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"
