"""Kafka connection security from the settings: SASL/SCRAM and TLS for every client a service opens.

A production cluster authenticates each service as its own user (SCRAM-SHA-512) and its ACLs
let a service write only its own topics (SECURITY.md). The settings (ServiceSettings):

- ``KAFKA_SECURITY_PROTOCOL``: ``PLAINTEXT`` (the local default), ``SASL_PLAINTEXT``, ``SASL_SSL`` or ``SSL``;
- ``KAFKA_SASL_MECHANISM``: ``SCRAM-SHA-512`` (default), ``SCRAM-SHA-256`` or ``PLAIN``;
- ``KAFKA_SASL_USERNAME``, ``KAFKA_SASL_PASSWORD``: the service's user;
- ``KAFKA_SSL_CAFILE``: the CA (PEM) that signed the brokers' certificates; empty: the system's CAs.

aiokafka clients (producer, consumers, admin) take :func:`client_options`; FastStream's broker
takes :func:`broker_security`. Hostnames are always checked against the broker certificates.
"""

from __future__ import annotations

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def _tls(settings: Any) -> ssl.SSLContext | None:
    if not settings.kafka_security_protocol.endswith("SSL"):
        return None
    return ssl.create_default_context(cafile=settings.kafka_ssl_cafile or None)


def _sasl(settings: Any) -> bool:
    return settings.kafka_security_protocol.startswith("SASL_")


def client_options(settings: Any) -> dict[str, Any]:
    """Keyword arguments for any aiokafka client: bootstrap servers plus the security settings."""
    options: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap_servers,
                               "security_protocol": settings.kafka_security_protocol}
    if (context := _tls(settings)) is not None:
        options["ssl_context"] = context
    if _sasl(settings):
        options.update(sasl_mechanism=settings.kafka_sasl_mechanism, sasl_plain_username=settings.kafka_sasl_username,
                       sasl_plain_password=settings.kafka_sasl_password.get_secret_value())
    return options


def broker_security(settings: Any) -> BaseSecurity | None:
    """FastStream's security object for the same settings (None: plaintext, no authentication)."""
    context = _tls(settings)
    if _sasl(settings):
        return MECHANISMS[settings.kafka_sasl_mechanism](
            settings.kafka_sasl_username, settings.kafka_sasl_password.get_secret_value(),
            ssl_context=context, use_ssl=context is not None)
    return BaseSecurity(ssl_context=context, use_ssl=True) if context is not None else None
