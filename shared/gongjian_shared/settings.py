"""Settings every service shares, read from the environment (pydantic-settings).

Each service subclasses :class:`ServiceSettings` to add its own port and database name.
The names of the shared variables are fixed by CONTRACTS.md, so they carry no prefix.
"""

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RATE_LIMIT_DEFAULTS = {"claim": "30/60", "post": "20/3600", "client": "6000/60"}
DEV_JWT_SECRET = "gongjian-development-secret-change-me-in-production"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers")
    )
    # Kafka security (kafka_security.py): SASL/SCRAM user of this service and TLS; plaintext locally.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol"))
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        "SCRAM-SHA-512", validation_alias=AliasChoices("KAFKA_SASL_MECHANISM", "kafka_sasl_mechanism"))
    kafka_sasl_username: str = Field("", validation_alias=AliasChoices("KAFKA_SASL_USERNAME", "kafka_sasl_username"))
    kafka_sasl_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("KAFKA_SASL_PASSWORD", "kafka_sasl_password"))
    kafka_ssl_cafile: str = Field("", validation_alias=AliasChoices("KAFKA_SSL_CAFILE", "kafka_ssl_cafile"))
    mongodb_url: str = Field(
        "mongodb://127.0.0.1:27017/?directConnection=true",
        validation_alias=AliasChoices("MONGODB_URL", "mongodb_url"),
    )
    # Prepended to every topic and consumer group name; empty in production.
    # Tests set it so that runs never see each other's events.
    topic_prefix: str = Field("", validation_alias=AliasChoices("GONGJIAN_TOPIC_PREFIX", "topic_prefix"))
    jwt_secret: str = Field(DEV_JWT_SECRET, validation_alias=AliasChoices("GONGJIAN_JWT_SECRET", "jwt_secret"))
    # JWT key rotation: more HS256 keys by id (JSON {"2026-12": "<secret>"}) and the id that signs
    # new tokens. Tokens without a kid are verified with GONGJIAN_JWT_SECRET; a token naming an
    # unknown kid is refused. Drop an old key once the tokens it signed have expired.
    jwt_keys: dict[str, str] = Field(default_factory=dict, validation_alias=AliasChoices("GONGJIAN_JWT_KEYS", "jwt_keys"))
    jwt_kid: str | None = Field(None, validation_alias=AliasChoices("GONGJIAN_JWT_KID", "jwt_kid"))
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("GONGJIAN_HOST", "host"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("GONGJIAN_LOG_LEVEL", "log_level"))
    # The deployment's local zone; gongjian_shared.localtime reads the same variable. Checked here so a
    # misspelt zone stops the service at start instead of failing requests later.
    timezone: str = Field("Asia/Shanghai", validation_alias=AliasChoices("GONGJIAN_TIMEZONE", "timezone"))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)  # time-policy: only checks that the setting names a zone
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"GONGJIAN_TIMEZONE 不是有效的时区名（如 Asia/Shanghai）：{value!r}") from exc
        return value
    # Consumer retries before a message goes to the dead-letter topic.
    max_delivery_attempts: int = Field(
        3, validation_alias=AliasChoices("GONGJIAN_MAX_DELIVERY_ATTEMPTS", "max_delivery_attempts")
    )

    # Which half of the process runs: "all" (API and consumers), "api" (HTTP only, no
    # subscribers) or "consumers" (subscribers and background jobs; HTTP serves only probes
    # and /metrics in practice). One image, two Deployments: see deploy/k8s.
    role: Literal["all", "api", "consumers"] = Field("all", validation_alias=AliasChoices("GONGJIAN_ROLE", "role"))
    # "json" (one JSON object per line, for log collectors) or "text" (for a developer's terminal).
    log_format: Literal["json", "text"] = Field(
        "json", validation_alias=AliasChoices("GONGJIAN_LOG_FORMAT", "log_format"))
    # OTLP/HTTP traces endpoint (e.g. http://otel-collector:4318/v1/traces); empty: no exporter.
    # Trace context is propagated either way, so logs carry trace ids and a collector can be added later.
    otlp_endpoint: str = Field("", validation_alias=AliasChoices(
        "GONGJIAN_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "otlp_endpoint"))
    trace_sample_ratio: float = Field(
        1.0, validation_alias=AliasChoices("GONGJIAN_TRACE_SAMPLE_RATIO", "trace_sample_ratio"))

    # On SIGTERM: how long in-flight messages may take to finish and commit (Kubernetes'
    # terminationGracePeriodSeconds must be larger).
    shutdown_grace_s: float = Field(20.0, validation_alias=AliasChoices("GONGJIAN_SHUTDOWN_GRACE_S", "shutdown_grace_s"))
    # How often the outbox relay publishes every pending event, whoever staged it: what an instance
    # killed between its write and its publish left behind waits at most this long (outbox.py).
    outbox_sweep_s: float = Field(60.0, gt=0, validation_alias=AliasChoices("GONGJIAN_OUTBOX_SWEEP_S",
                                                                            "outbox_sweep_s"))

    # Abuse limits, "count/seconds" each (ratelimit.py): claims per claimant, wishes and suggestions
    # per author, and every limited request per client address. JSON in GONGJIAN_RATE_LIMITS
    # overrides single entries, e.g. {"claim": "5/60"}; "0/60" switches one off.
    rate_limits: dict[str, str] = Field(
        default_factory=dict, validation_alias=AliasChoices("GONGJIAN_RATE_LIMITS", "rate_limits"))

    @field_validator("rate_limits")
    @classmethod
    def _with_defaults(cls, value: dict[str, str]) -> dict[str, str]:
        return {**RATE_LIMIT_DEFAULTS, **value}

    topic_partitions: int = Field(3, validation_alias=AliasChoices("GONGJIAN_TOPIC_PARTITIONS", "topic_partitions"))
    topic_replication: int = Field(1, validation_alias=AliasChoices("GONGJIAN_TOPIC_REPLICATION", "topic_replication"))

    @model_validator(mode="after")
    def _sasl_has_a_user(self) -> "ServiceSettings":
        if self.kafka_security_protocol.startswith("SASL_") and not (
                self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()):
            raise ValueError("KAFKA_SECURITY_PROTOCOL=SASL_* 需要 KAFKA_SASL_USERNAME 与 KAFKA_SASL_PASSWORD")
        return self

    @property
    def runs_consumers(self) -> bool:
        return self.role in ("all", "consumers")

    @property
    def serves_api(self) -> bool:
        return self.role in ("all", "api")

    def verification_keys(self) -> dict[str, str]:
        return {"": self.jwt_secret, **self.jwt_keys}

    def signing_key(self) -> tuple[str | None, str]:
        """(kid, secret) new tokens are signed with."""
        return (self.jwt_kid, self.jwt_keys[self.jwt_kid]) if self.jwt_kid else (None, self.jwt_secret)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"
