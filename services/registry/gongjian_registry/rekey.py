"""``gongjian-registry-rekey``: rewrite every encrypted phone and ID number with the current data key.

Run it after adding a new key to ``REGISTRY_DATA_KEYS`` and pointing ``REGISTRY_DATA_KEY_ID`` at
it (the services already write with it, and still read the old one). Each member is rewritten by
a conditional update that names the ciphertexts it read, so a change made meanwhile is never
overwritten (that member is simply counted as changed-meanwhile, already current). Running it
twice rewrites nothing the second time. Afterwards the old key may be removed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .adapters.crypto import Vault
from .adapters.store import MEMBERS
from .config import RegistrySettings

FIELDS = ("phone_enc", "id_enc")


async def rekey(db: Any, vault: Vault) -> dict[str, int]:
    """``{"members": seen, "rewritten": members rewritten, "values": values re-encrypted}``."""
    seen = rewritten = values = 0
    query = {"$or": [{f: {"$type": "string"}} for f in FIELDS]}
    async for doc in db[MEMBERS].find(query, {f: 1 for f in FIELDS}):
        seen += 1
        stale = {f: doc[f] for f in FIELDS if isinstance(doc.get(f), str) and not vault.is_current(doc[f])}
        if not stale:
            continue
        fresh = {f: vault.encrypt(vault.decrypt(token)) for f, token in stale.items()}
        result = await db[MEMBERS].update_one({"_id": doc["_id"], **stale}, {"$set": fresh})
        rewritten += result.modified_count
        values += len(fresh) * result.modified_count
    return {"members": seen, "rewritten": rewritten, "values": values}


async def _main(settings: RegistrySettings) -> dict[str, int]:
    from gongjian_shared.mongo import make_client

    client = make_client(settings.mongodb_url)
    try:
        vault = Vault(settings.vault_keys(), settings.person_key, settings.phone_index_key,
                      current=settings.data_key_id)
        return await rekey(client[settings.database], vault)
    finally:
        await client.close()


def run() -> None:
    settings = RegistrySettings()
    result = asyncio.run(_main(settings))
    print(f"重新加密完成 rekeyed with key {settings.data_key_id!r}: {result['rewritten']} of {result['members']} "
          f"members, {result['values']} values")


if __name__ == "__main__":
    run()
