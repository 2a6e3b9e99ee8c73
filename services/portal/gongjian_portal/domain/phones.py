"""Mainland mobile numbers as people type them: full-width digits, spaces, dashes, +86.

Pure: fold (NFKC), strip separators and the country code, then check the 11-digit form
(1[3-9]xxxxxxxxx, the numbering plan of MIIT). Errors are shown to people, so Chinese first.
"""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


class PhoneError(ValueError):
    """Not a mainland mobile number."""


def normalize_mobile(raw: str | None) -> str:
    """'＋86 138-0013-8000' → '13800138000'; raise PhoneError for anything else."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    for prefix in ("+86", "0086"):
        text = text.removeprefix(prefix)
    if not _MOBILE.match(text):
        raise PhoneError("请输入11位大陆手机号码 (phone must be an 11-digit mainland mobile number)")
    return text
