"""Folding what people type before anything checks or compares it.

Chinese input methods produce full-width (全角) digits, letters and spaces ("１３８", "ＡＢ",
U+3000) and staff paste values with blanks around them. Unicode NFKC (UAX #15) maps the
full-width forms to ASCII, so "１１０１０１…" and "110101…" are one ID number, one person.

Two strengths, because NFKC also rewrites Chinese punctuation (（），： → (),:):
- ``Folded``: NFKC + strip, for identifiers, codes, phones, ID numbers, names, choices and
  every imported spreadsheet cell (what is compared or validated by pattern);
- ``Trimmed``: strip only (incl. the ideographic space), for free text a person reads.

``choice(...)`` builds a request type that takes either the stored English code or the
Chinese label the product shows (机关 → organ); codes stay English in storage and output.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

# code → Chinese label of every choice type built here; the validation translator names
# the allowed values by these labels ("应为：机关、企事业单位…").
_CHOICES: dict[frozenset[str], dict[str, str]] = {}


def fold(value: str) -> str:
    """NFKC-fold and strip one text value: "　１３８ " → "138"."""
    return unicodedata.normalize("NFKC", value).strip()


def fold_any(value: Any) -> Any:
    """``fold`` for strings; any other value passes unchanged (pydantic reports its type)."""
    return fold(value) if isinstance(value, str) else value


def trim_any(value: Any) -> Any:
    """Strip surrounding blanks (ASCII and full-width) from strings; keep the rest as typed."""
    return value.strip() if isinstance(value, str) else value


def digits_only(value: str) -> str:
    """Fold, then drop the blanks and dashes people put inside numbers ("138-0001 2345")."""
    return re.sub(r"[\s\-]", "", fold(value))


Folded = Annotated[str, BeforeValidator(fold_any)]
Trimmed = Annotated[str, BeforeValidator(trim_any)]


def choice(codes: Any, labels: dict[str, str], aliases: dict[str, str] | None = None) -> Any:
    """An annotated request type over ``codes`` (a Literal) accepting codes, labels or aliases.

    In: "机关", "  organ ", "ｏｒｇａｎ" → out: "organ"; anything else is left for the Literal to
    refuse (the translator then lists the Chinese labels). ``aliases`` maps extra spellings
    staff use (e.g. the import's "企业") to codes.
    """
    accepted = {**{c: c for c in labels}, **{label: c for c, label in labels.items()}, **(aliases or {})}
    _CHOICES[frozenset(labels)] = labels

    def to_code(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        folded = fold(value)
        return accepted.get(folded, folded)

    listed = "、".join(f"{label}（{code}）" for code, label in labels.items())
    return Annotated[codes, BeforeValidator(to_code), Field(description=f"可填代码或中文：{listed}")]


def labels_of(codes: list[str]) -> list[str]:
    """Chinese labels for the codes a choice allows (the codes themselves for a plain Literal)."""
    labels = _CHOICES.get(frozenset(codes), {})
    return [labels.get(c, c) for c in codes]
