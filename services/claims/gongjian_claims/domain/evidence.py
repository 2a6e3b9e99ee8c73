"""Evidence (佐证材料): photos and files attached to a fulfilment or a closing (销号). Pure.

The content decides the type, not what the browser declares: the first bytes are matched
against known signatures ("magic bytes", the ``filetype`` library), so a renamed .exe
declared as image/jpeg is refused. Who may see a piece: for a fulfilment's, its claimant and
the officials over the demand's place; for a closing's, those officials and the demand's
claimants. Filenames are kept for the download (people name photos after people), never
sent in events or logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import filetype

LABELS = {
    "image/jpeg": "JPEG 图片", "image/png": "PNG 图片", "image/webp": "WebP 图片", "image/heic": "HEIC 图片（苹果手机）",
    "image/gif": "GIF 图片", "application/pdf": "PDF 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（.docx）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格（.xlsx）",
}
DEFAULT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PURPOSES = {"fulfilment": "服务佐证", "closing": "销号佐证"}
SNIFF_BYTES = 8192  # enough for every signature filetype knows (docx/xlsx look inside the zip's first entry)
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_RESERVED = re.compile(r"[\\/:*?\"<>|]+")
_EXTENSIONS = {"jpg": {"jpg", "jpeg", "jpe", "jfif"}, "heic": {"heic", "heif"}}  # other types: their one extension


@dataclass(frozen=True)
class Refusal:
    status: int
    detail: str
    code: str


def sniff(head: bytes) -> str | None:
    """The MIME type the content's first bytes show, None if unknown."""
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_content(head: bytes, size: int, declared: str | None, *, allowed: tuple[str, ...],
                  max_bytes: int) -> str | Refusal:
    """The content's type if acceptable, else why not (413 too big, 415 wrong type, 422 empty)."""
    if size == 0:
        return Refusal(422, "文件为空 (empty file)", "empty-file")
    if size > max_bytes:
        return Refusal(413, f"文件超过 {max_mb(max_bytes)} MB 上限 (file too large)", "file-too-large")
    actual = sniff(head)
    if actual not in allowed:
        return Refusal(415, f"不支持的文件类型，仅支持：{allowed_labels(allowed)} (unsupported content type"
                            f"{'' if actual is None else ' ' + actual})", "unsupported-type")
    declared_base = (declared or "").split(";")[0].strip().lower()
    if declared_base and declared_base not in ("application/octet-stream", actual) and \
            not (declared_base == "image/jpg" and actual == "image/jpeg"):
        return Refusal(415, f"文件内容（{LABELS.get(actual, actual)}）与声明的类型 {declared_base} 不符 "
                            "(content does not match the declared type)", "type-mismatch")
    return actual


def max_mb(max_bytes: int) -> str:
    return f"{max_bytes / 1024 / 1024:g}"


def allowed_labels(allowed: tuple[str, ...]) -> str:
    return "、".join(LABELS.get(t, t) for t in allowed)


def clean_filename(name: str | None, content_type: str) -> str:
    """The name to store and offer back: no path, no control or reserved characters, at most 120
    characters, and an extension of the content's type: a PNG uploaded as ``报告.html`` is offered
    as ``报告.html.png``, so a downloaded copy never opens as a page (a PNG/HTML polyglot would)."""
    kind = filetype.get_type(content_type)
    ext = kind.extension if kind else "bin"
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _RESERVED.sub("_", _CONTROL.sub("", base)).strip(" .")[:120]
    if not base:
        return f"佐证材料.{ext}"
    has = base.rpartition(".")[2].lower() if "." in base else ""
    return base if has in _EXTENSIONS.get(ext, {ext}) else f"{base}.{ext}"


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266 with RFC 5987 ``filename*`` so Chinese names survive; an ASCII fallback for old clients."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = _NOT_TOKEN.sub("_", stem.encode("ascii", "ignore").decode()).strip("_") or "evidence"
    ascii_ext = _NOT_TOKEN.sub("", ext.encode("ascii", "ignore").decode())
    fallback = ascii_stem + (f".{ascii_ext}" if ascii_ext else "")
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def may_see(piece: dict, *, official: bool, own_claim_ids: set[str]) -> bool:
    """A fulfilment's evidence: its claimant or an official; a closing's: an official or any claimant of the demand.

    ``own_claim_ids``: the caller's claims on the piece's demand (as member, or for their unit).
    """
    if official:
        return True
    if piece["purpose"] == "fulfilment":
        return piece.get("claim_id") in own_claim_ids
    return bool(own_claim_ids)
