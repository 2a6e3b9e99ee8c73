"""Personal data never leaves in events, logs or public pages: detection, masking, a log filter.

Phone and ID-card numbers are found however people type them into free text: with blanks
or dashes inside ("138 1234 5678", "138-1234-5678"), with +86, in full-width digits
("１３８…", which Python's ``\\d`` matches), and the ID's check character as X or Ｘ
(GB 11643-1999: 6-digit area, 8-digit birth date, 3-digit sequence, check digit).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from .text import fold

_SEP = r"[\s\-\u2010-\u2015\u3000]?"
PHONE = re.compile(rf"(?<![\d])(?:(?:\+|＋)?(?:86|８６){_SEP})?[1１][3-9３-９]\d(?:{_SEP}\d){{8}}(?!\d)")
ID_CARD = re.compile(rf"(?<![\dA-Za-zＡ-Ｚａ-ｚ])\d{{6}}(?:{_SEP}\d){{11}}{_SEP}[\dXxＸｘ](?![\dA-Za-zＡ-Ｚａ-ｚ])")


def mask_name(name: str | None) -> str:
    """张三珠 → 张*珠, 李四 → 李*; the masked form is all that may travel."""
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else ""


def mask_id_card(number: str | None) -> str:
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}" if number and len(number) > 7 else ""


def redact(text: str) -> str:
    """Phone and ID-card numbers in ``text`` replaced by a placeholder; the rest unchanged."""
    return PHONE.sub("[手机号已隐藏]", ID_CARD.sub("[身份证号已隐藏]", text))


def contains_personal_data(text: str) -> bool:
    return bool(PHONE.search(text) or ID_CARD.search(text))


def _structured(key: str) -> bool:
    """Keys whose values are identifiers or codes, never free text (a credit code may look like an ID)."""
    return key in ("id", "ids", "code", "subject") or key.endswith(("_id", "_ids", "_code", "_no"))


def redact_data(value: Any, key: str = "") -> Any:
    """Every free-text string in an event's data (nested dicts and lists) passed through ``redact``."""
    if isinstance(value, str):
        return value if _structured(key) else redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(v, key) for v in value]
    return value


# A request field a person types free text into (title, description, reason, note, comment):
# surrounding blanks stripped, phone and ID-card numbers masked before anything stores or shows it.
FreeText = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v), AfterValidator(redact)]
# A name (of a person, place, unit, team, catalogue item): NFKC-folded like every identifier-ish
# input (text.py), and masked too — a phone typed into a name travels in events like any text.
MaskedName = Annotated[str, BeforeValidator(lambda v: fold(v) if isinstance(v, str) else v), AfterValidator(redact)]


class RedactingFilter(logging.Filter):
    """Last line of defence: scrub phone and ID-card numbers from every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class RedactingFormatter(logging.Formatter):
    """Scrubs the whole formatted line, tracebacks included (an exception may quote a value)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str = "INFO") -> None:
    """Text logs for tools and scripts; services use :mod:`gongjian_shared.logs` (JSON)."""
    from .logs import configure_logging as configure

    configure(level, fmt="text")
