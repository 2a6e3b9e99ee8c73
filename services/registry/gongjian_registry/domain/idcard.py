"""Chinese resident ID numbers (GB 11643, 18 digits) and mobile phone numbers.

Pure validation: the checksum of the 18-digit ID, a plausible birth date, an 11-digit
mainland mobile number. Full-width (全角) digits and blanks are folded first (NFKC), so
"１１０１０１…" is the same person as "110101…". Error texts are shown to staff, in Chinese first.
"""

from __future__ import annotations

import re
from datetime import date

from gongjian_shared.text import digits_only

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")


class PersonalDataError(ValueError):
    """A phone or ID number that cannot be right."""


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(raw: str) -> str:
    """Fold, validate and return the canonical form (ASCII digits, upper-case X); raise PersonalDataError."""
    number = digits_only(str(raw or "")).upper()
    if not number:
        raise PersonalDataError("身份证号不能为空 (ID number missing)")
    if not _ID.match(number):
        raise PersonalDataError("身份证号应为18位：17位数字加1位校验码 (ID number must be 18 characters)")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise PersonalDataError("身份证号中的出生日期无效 (invalid birth date in ID number)") from None
    if check_char(number[:17]) != number[17]:
        raise PersonalDataError("身份证号校验码错误 (ID number checksum does not match)")
    return number


def normalize_phone(raw: str | int | float | None) -> str:
    """Fold ("138 0001 23４５", "+86 138…") and validate; return 11 ASCII digits or raise PersonalDataError."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a spreadsheet may hold the number as a float
    phone = digits_only(str(raw or "")).removeprefix("+86")
    if not _PHONE.match(phone):
        raise PersonalDataError("手机号应为11位大陆手机号码 (phone must be an 11-digit mobile number)")
    return phone


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """A synthetic but valid ID number (for demo data and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"  # time-policy: a birth date, not an instant
    return first17 + check_char(first17)
