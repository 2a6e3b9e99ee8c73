"""Evidence bytes in the database: GridFS (bucket ``evidence``), via PyMongo's async GridFS.

PyMongo's ``AsyncGridFSBucket`` is the successor of Motor's ``AsyncIOMotorGridFSBucket`` (Motor
is end-of-life). It stores a file as ``evidence.files`` (one document) plus ``evidence.chunks``
(``chunk_size`` bytes each, unique index on files_id + n); both work on FerretDB 1.24 and
MongoDB alike (tests/test_evidence.py streams files of several chunks through it). The
chunk size is a setting: 255 KiB (GridFS's default) keeps every chunk document far below
both servers' 16 MiB limit and lets a download start after one small read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

BUCKET = "evidence"


def bucket(db: Any, chunk_size: int) -> AsyncGridFSBucket:
    return AsyncGridFSBucket(db, bucket_name=BUCKET, chunk_size_bytes=chunk_size)


async def store(db: Any, file_id: str, filename: str, source: Any, *, chunk_size: int,
                metadata: dict[str, Any]) -> None:
    """Write ``source`` (a file object read from its start) under ``file_id``."""
    await bucket(db, chunk_size).upload_from_stream_with_id(file_id, filename, source, metadata=metadata)


async def stream(db: Any, file_id: str, *, chunk_size: int) -> AsyncIterator[bytes] | None:
    """The stored bytes chunk by chunk, None if there is no such file (never loads it whole)."""
    try:
        out = await bucket(db, chunk_size).open_download_stream(file_id)
    except NoFile:
        return None

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while chunk := await out.readchunk():
                yield chunk
        finally:
            await out.close()

    return chunks()


async def remove(db: Any, file_id: str, *, chunk_size: int) -> None:
    """Delete a file written for an upload that was then refused (nothing refers to it)."""
    try:
        await bucket(db, chunk_size).delete(file_id)
    except NoFile:
        pass
