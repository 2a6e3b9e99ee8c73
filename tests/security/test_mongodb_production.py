"""Production MongoDB settings on a real server: a MONGODB_URL with credentials and TLS options is honoured.

A second FerretDB (the project's build; gongjian_local.infra.ferretdb_secure) listens on a free port
with TLS only (a self-signed certificate made for this module) and authenticates a SCRAM user. The
registry runs in-process with only ``MONGODB_URL`` pointing there (user, password, ``tls=true``,
``tlsCAFile``, ``authSource``): it starts, is ready, and what it stores is in the secured server's
database. The same URL without the CA, with a wrong password, without credentials or without TLS
is refused, each for its own reason. What FerretDB cannot do is shown too: it has no roles, so
another database's user reads the registry's. The shared FerretDB on 27017 is not touched.
"""

from __future__ import annotations

import uuid

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

from gongjian_local.infra.ferretdb_secure import start_secure
from gongjian_registry.bootstrap import build_app
from gongjian_registry.config import RegistrySettings
from gongjian_shared.mongo import make_client, ping
from gongjian_shared.testing import app_client, auth


@pytest.fixture(scope="module")
def secure_mongo(tmp_path_factory):
    server = start_secure(tmp_path_factory.mktemp("secure-ferretdb"))
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.timeout(180)
async def test_a_service_stores_through_tls_and_scram_from_its_url(secure_mongo, infra):
    database = f"t{uuid.uuid4().hex[:8]}_registry"
    settings = RegistrySettings(mongodb_url=secure_mongo.url(), database=database,
                                kafka_bootstrap_servers=infra.kafka_bootstrap, topic_prefix=f"{database}.")
    async with app_client(build_app(settings)) as client:
        assert (await client.get("/readyz")).status_code == 200
        r = await client.post("/places", json={"kind": "city", "name": "安全测试市"}, headers=auth("city_admin"))
        assert r.status_code == 201, r.text
        city = r.json()["id"]
        assert (await client.get(f"/places/{city}", headers=auth("city_admin"))).json()["name"] == "安全测试市"
    with MongoClient(secure_mongo.url(), serverSelectionTimeoutMS=5000) as direct:
        assert direct[database]["places"].find_one({"_id": city})["name"] == "安全测试市"
        # FerretDB 1.24 has no roles (SECURITY.md): a user of another database reads this one too.
        direct["other_service"].command("createUser", "other", pwd="other-password", roles=[])
    other = secure_mongo.url(user="other", password="other-password").replace("Source=admin", "Source=other_service")
    with MongoClient(other, serverSelectionTimeoutMS=5000) as foreign:
        assert foreign[database]["places"].find_one({"_id": city}) is not None


async def _refusal(url: str, *, ready: bool = False) -> Exception:
    """The error the service's client (gongjian_shared.mongo) gets reading with ``url``.

    ``ready``: whether /readyz's ping still answers — it does without credentials (ping needs no
    login, on MongoDB too), never with a wrong password (the client logs in before any command).
    """
    client = make_client(url)
    try:
        assert await ping(client) is ready
        with pytest.raises((OperationFailure, ServerSelectionTimeoutError)) as caught:
            await client["gongjian_registry"]["places"].find_one({})
        return caught.value
    finally:
        await client.close()


@pytest.mark.timeout(120)
async def test_without_the_ca_or_credentials_or_tls_the_service_gets_nothing(secure_mongo):
    no_ca = await _refusal(secure_mongo.url(cafile=False))
    assert "CERTIFICATE_VERIFY_FAILED" in str(no_ca)
    wrong = await _refusal(secure_mongo.url(password="wrong-password"))
    assert isinstance(wrong, OperationFailure) and wrong.code == 18  # AuthenticationFailed
    anonymous = await _refusal(secure_mongo.url().replace(f"gongjian:{secure_mongo.password}@", ""), ready=True)
    assert isinstance(anonymous, OperationFailure) and anonymous.code == 13  # Unauthorized
    plaintext = await _refusal(secure_mongo.url().replace("tls=true", "tls=false").split("&tlsCAFile")[0])
    assert isinstance(plaintext, ServerSelectionTimeoutError)
