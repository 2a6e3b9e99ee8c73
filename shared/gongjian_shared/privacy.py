"""Personal data never leaves in events or logs: masking helpers and a log filter."""

from __future__ import annotations

import logging
import re

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


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
    return ID_CARD.sub("[身份证号已隐藏]", PHONE.sub("[手机号已隐藏]", text))


class RedactingFilter(logging.Filter):
    """Last line of defence: scrub phone and ID-card numbers from every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Text logs for tools and scripts; services use :mod:`gongjian_shared.logs` (JSON)."""
    from .logs import configure_logging as configure

    configure(level, fmt="text")
