"""Production MongoDB URLs: credentials, replica set and TLS options reach the client as written.

The services hand ``MONGODB_URL`` to PyMongo unchanged (mongo.make_client); this checks that
nothing on the way drops what a production URL carries. No server is contacted.
"""

from __future__ import annotations

from gongjian_shared.mongo import make_client
from gongjian_shared.settings import ServiceSettings

URL = ("mongodb://gongjian-claims:s3cret%40pass@db-1.internal:27017,db-2.internal:27017/"
       "?replicaSet=rs0&authSource=admin&tls=true&tlsAllowInvalidHostnames=false&w=majority")


async def test_credentials_and_tls_of_the_url_are_honoured(monkeypatch):
    monkeypatch.setenv("MONGODB_URL", URL)
    settings = ServiceSettings()
    assert settings.mongodb_url == URL
    client = make_client(settings.mongodb_url)
    try:
        options = client.options
        credentials = options.pool_options._credentials  # noqa: SLF001 - what the driver will authenticate with
        assert (credentials.username, credentials.password, credentials.source) == \
            ("gongjian-claims", "s3cret@pass", "admin")
        assert options.replica_set_name == "rs0"
        assert options.pool_options._ssl_context is not None  # noqa: SLF001 - TLS is on
        assert options.write_concern.document == {"w": "majority"}
        assert options.server_selection_timeout == 5  # ours, added to the URL's options
    finally:
        await client.close()


def test_kafka_scram_and_tls_settings_reach_every_client(monkeypatch, tmp_path):
    """KAFKA_SECURITY_PROTOCOL/SASL/CA settings → aiokafka arguments and FastStream's SASLScram512
    (the secured broker itself: tests/security/test_kafka_production.py)."""
    import ssl

    import pytest
    from faststream.security import SASLScram512

    from gongjian_shared.kafka_security import broker_security, client_options

    assert client_options(ServiceSettings()) == {"bootstrap_servers": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}
    assert broker_security(ServiceSettings()) is None
    for key, value in {"KAFKA_BOOTSTRAP_SERVERS": "kafka-1:9093", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                       "KAFKA_SASL_USERNAME": "claims", "KAFKA_SASL_PASSWORD": "s3cret"}.items():
        monkeypatch.setenv(key, value)
    settings = ServiceSettings()
    assert "s3cret" not in repr(settings)  # a secret, never printed
    options = client_options(settings)
    assert {k: options[k] for k in ("security_protocol", "sasl_mechanism", "sasl_plain_username", "sasl_plain_password")} \
        == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "claims",
            "sasl_plain_password": "s3cret"}
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED and options["ssl_context"].check_hostname
    security = broker_security(settings)
    assert isinstance(security, SASLScram512) and security.use_ssl and security.username == "claims"
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "")
    with pytest.raises(ValueError, match="KAFKA_SASL_PASSWORD"):
        ServiceSettings()  # SASL without credentials stops the service at start
