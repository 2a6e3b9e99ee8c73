"""Per-service Kafka ACLs: a service writes only its own topics (and the dead letters of what it reads).

The table follows the topic names of CONTRACTS.md: service S owns every topic named ``S.…``.
With prefix P (empty in production), user ``User:S`` is allowed to

- DESCRIBE, CREATE and READ topics named ``P…``: a service creates what it consumes at start, and
  reads the other services' events;
- WRITE topics ``P S.…`` and ``P T.dlq`` for each other service's topic T (dead letters of what it reads);
- READ and DESCRIBE consumer groups named ``P…``.

Nothing else: producing to another service's topic fails with TopicAuthorizationFailed. The same
table is what a production cluster needs (SECURITY.md); ``apply_acls`` creates it through the
Kafka protocol (CreateAcls) as a super user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest

from gongjian_shared.topics import TOPICS, dead_letter_topic


class Resource(IntEnum):  # Kafka's ResourceType
    TOPIC = 2
    GROUP = 3


class Pattern(IntEnum):  # Kafka's PatternType
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):  # Kafka's AclOperation
    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8


ALLOW = 3  # Kafka's AclPermissionType


@dataclass(frozen=True)
class Acl:
    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation


def service_acls(service: str, prefix: str = "") -> list[Acl]:
    """The ACLs of ``User:<service>`` for topics and groups named with ``prefix``."""
    user = f"User:{service}"
    acls = [Acl(user, Resource.TOPIC, prefix, Pattern.PREFIXED, op)
            for op in (Operation.DESCRIBE, Operation.CREATE, Operation.READ)]
    acls.append(Acl(user, Resource.TOPIC, f"{prefix}{service}.", Pattern.PREFIXED, Operation.WRITE))
    acls += [Acl(user, Resource.TOPIC, prefix + dead_letter_topic(name), Pattern.LITERAL, Operation.WRITE)
             for name in TOPICS if not name.startswith(f"{service}.")]
    acls += [Acl(user, Resource.GROUP, prefix, Pattern.PREFIXED, op) for op in (Operation.READ, Operation.DESCRIBE)]
    return acls


async def apply_acls(admin_options: dict[str, Any], acls: list[Acl]) -> int:
    """Create ``acls`` with a super user's aiokafka ``admin_options``; returns how many were created."""
    admin = AIOKafkaAdminClient(**admin_options)
    await admin.start()
    try:
        client = admin._client  # noqa: SLF001 - aiokafka has the CreateAcls request but no public method for it
        for acl in acls:
            request = CreateAclsRequest(acl.resource, acl.name, acl.pattern, acl.principal, "*", acl.operation, ALLOW)
            response = await client.send(client.get_random_node(), request)
            for result in response.creation_responses:
                if result[0] != 0:
                    raise RuntimeError(f"CreateAcls {acl}: error {result[0]} {result[1]}")
    finally:
        await admin.close()
    return len(acls)
