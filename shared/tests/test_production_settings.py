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
