"""Portal settings: shared ones plus the port, the services it forwards to, sign-in and SMS.

Names of the upstream URLs and the port are fixed by the portal contract (PORTAL_API.md).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from gongjian_shared.settings import ServiceSettings

# Development default only; production sets it from a secret store.
DEV_PHONE_KEY = "gongjian-development-portal-phone-key-change-me"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class PortalSettings(ServiceSettings):
    port: int = Field(8000, validation_alias=_env("PORTAL_PORT", "port"))
    database: str = Field("gongjian_portal", validation_alias=_env("PORTAL_DB", "database"))
    registry_url: str = Field("http://127.0.0.1:8001", validation_alias=_env("REGISTRY_URL", "registry_url"))
    claims_url: str = Field("http://127.0.0.1:8002", validation_alias=_env("CLAIMS_URL", "claims_url"))
    evaluation_url: str = Field("http://127.0.0.1:8003", validation_alias=_env("EVALUATION_URL", "evaluation_url"))
    # Built front ends (mobile in m/, console in console/); default: the package's static/ folder.
    static_dir: str | None = Field(None, validation_alias=_env("PORTAL_STATIC_DIR", "static_dir"))

    # Session: a short access token (the services' JWT) and a long refresh token in a cookie.
    access_ttl_min: float = Field(15, validation_alias=_env("PORTAL_ACCESS_TTL_MIN", "access_ttl_min"))
    refresh_ttl_days: float = Field(14, validation_alias=_env("PORTAL_REFRESH_TTL_DAYS", "refresh_ttl_days"))
    cookie_secure: bool = Field(True, validation_alias=_env("PORTAL_COOKIE_SECURE", "cookie_secure"))
    # HMAC key for phone numbers the portal keys records by (codes, rate limits, staff).
    phone_key: str = Field(DEV_PHONE_KEY, validation_alias=_env("PORTAL_PHONE_KEY", "phone_key"))
    # Behind a reverse proxy the client is the first X-Forwarded-For address; only then trust it.
    trust_forwarded_for: bool = Field(False, validation_alias=_env("PORTAL_TRUST_FORWARDED_FOR", "trust_forwarded_for"))

    # SMS one-time codes (validity 5 min, single use) and their rate limits.
    sms_sender: str = Field("dev", validation_alias=_env("PORTAL_SMS_SENDER", "sms_sender"))  # dev | http
    sms_gateway_url: str | None = Field(None, validation_alias=_env("PORTAL_SMS_GATEWAY_URL", "sms_gateway_url"))
    sms_gateway_token: str | None = Field(None, validation_alias=_env("PORTAL_SMS_GATEWAY_TOKEN", "sms_gateway_token"))
    sms_template: str = Field("您的共建登录验证码为 {code}，{minutes} 分钟内有效。如非本人操作请忽略。",
                              validation_alias=_env("PORTAL_SMS_TEMPLATE", "sms_template"))
    code_ttl_s: int = Field(300, validation_alias=_env("PORTAL_CODE_TTL_S", "code_ttl_s"))
    code_max_attempts: int = Field(5, validation_alias=_env("PORTAL_CODE_MAX_ATTEMPTS", "code_max_attempts"))
    resend_after_s: int = Field(60, validation_alias=_env("PORTAL_RESEND_AFTER_S", "resend_after_s"))
    codes_per_phone_hour: int = Field(8, validation_alias=_env("PORTAL_CODES_PER_PHONE_HOUR", "codes_per_phone_hour"))
    codes_per_client_hour: int = Field(30, validation_alias=_env("PORTAL_CODES_PER_CLIENT_HOUR",
                                                                 "codes_per_client_hour"))
    passwords_per_client_hour: int = Field(30, validation_alias=_env("PORTAL_PASSWORDS_PER_CLIENT_HOUR",
                                                                     "passwords_per_client_hour"))
    # Staff password failures per username that lock it, within the lock's minutes from the first one.
    password_failures_per_user: int = Field(5, validation_alias=_env("PORTAL_PASSWORD_FAILURES_PER_USER",
                                                                     "password_failures_per_user"))
    password_lock_minutes: int = Field(15, validation_alias=_env("PORTAL_PASSWORD_LOCK_MINUTES",
                                                                 "password_lock_minutes"))

    # OIDC for staff (optional): ID tokens (RS256/ES256) checked against the provider's JWKS.
    oidc_issuer: str | None = Field(None, validation_alias=_env("PORTAL_OIDC_ISSUER", "oidc_issuer"))
    oidc_client_id: str | None = Field(None, validation_alias=_env("PORTAL_OIDC_CLIENT_ID", "oidc_client_id"))
    oidc_jwks_url: str | None = Field(None, validation_alias=_env("PORTAL_OIDC_JWKS_URL", "oidc_jwks_url"))
    # Development only: GET /api/dev/sms-codes/{phone} answers the dev sender's last code (browser tests).
    dev_outbox: bool = Field(False, validation_alias=_env("PORTAL_DEV_OUTBOX", "dev_outbox"))

    def upstreams(self) -> dict[str, str]:
        return {"registry": self.registry_url, "claims": self.claims_url, "evaluation": self.evaluation_url}
