"""Issue 9.1 done criterion: no clock reading or calendar arithmetic outside the one time module.

Production code (services, shared, deploy/local) must take "now", zones, local days/months/years,
parsing of date-times and RFC 3339 text from ``gongjian_shared.localtime``. Tests may read the real
clock with a zone (``datetime.now(UTC)``) but never naively. A line that must do otherwise says why
with a ``# time-policy:`` comment.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = ("services", "shared", "deploy/local")
SKIPPED_DIRS = {".venv", "node_modules", "__pycache__", "dist", "build"}
TIME_MODULE = ROOT / "shared" / "gongjian_shared" / "localtime"
EXEMPT = "# time-policy:"

NAIVE = {
    "naive datetime.now()": r"datetime\.now\(\s*\)",
    "utcnow()": r"\butcnow\(",
    "date.today()": r"\bdate\.today\(",
    "time.localtime": r"\btime\.localtime\b",
}
AD_HOC = {
    "reading the clock (use localtime.now)": r"\bdatetime\.now\(",
    "time.gmtime/strftime": r"\btime\.(gmtime|strftime)\b",
    "day arithmetic (use localtime.later/add_days)": r"timedelta\(\s*(days|weeks)\s*=",
    "a fixed UTC offset": r"timezone\(\s*timedelta|\bhours\s*=\s*8\b",
    "a zone of its own (use localtime.zone)": r"\bZoneInfo\(",
    "attaching a zone (use localtime.to_utc)": r"\.replace\(\s*tzinfo\s*=",
    "building instants from dates (use localtime.day_start/day_end)": r"\bdatetime\.combine\(",
    "month lengths (use localtime.month_bounds)": r"\bmonthrange\(",
    "formatting dates by hand (use localtime.format_*/day_key/month_key)": r"\bstrftime\(|:%[Yymd]",
    "parsing date-times by hand (use localtime.parse_*)": r"\bdatetime\.fromisoformat\(",
    "converting zones by hand (use localtime.to_local)": r"\.astimezone\(",
    "RFC 3339 by hand (use localtime.rfc3339)": r"isoformat\(\)\.replace\(",
}


def _files() -> list[Path]:
    out = []
    for top in SEARCHED:
        for path in (ROOT / top).rglob("*.py"):
            if SKIPPED_DIRS & set(path.relative_to(ROOT).parts) or TIME_MODULE in path.parents \
                    or path == Path(__file__).resolve():  # this file spells the patterns out
                continue
            out.append(path)
    return out


def _offences(path: Path) -> list[str]:
    rules = NAIVE if "tests" in path.relative_to(ROOT).parts else {**NAIVE, **AD_HOC}
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split(EXEMPT)[0] if EXEMPT in line else line
        if EXEMPT in line or code.lstrip().startswith("#"):
            continue
        for what, pattern in rules.items():
            if re.search(pattern, code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    return found


def test_the_search_covers_the_code() -> None:
    files = _files()
    names = {p.relative_to(ROOT).as_posix() for p in files}
    assert len(files) > 100
    assert "shared/gongjian_shared/envelope.py" in names and "deploy/local/gongjian_local/demo.py" in names
    assert not any(n.startswith("shared/gongjian_shared/localtime/") for n in names)


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    samples = ["x = datetime.now()", "d = date.today()", "t = datetime.utcnow()", "due = now + timedelta(days=1)",
               "CST = timezone(timedelta(hours=8))", 'key = f"{at:%Y-%m}"', "at.astimezone(CST)",
               'moment.isoformat().replace("+00:00", "Z")', "v.replace(tzinfo=UTC)"]
    for sample in samples:
        assert any(re.search(p, sample) for p in {**NAIVE, **AD_HOC}.values()), sample
    assert not any(re.search(p, "lease = timedelta(seconds=5)") for p in {**NAIVE, **AD_HOC}.values())


def test_no_clock_or_calendar_arithmetic_outside_the_time_module() -> None:
    offences = [o for path in _files() for o in _offences(path)]
    assert not offences, "time handled outside gongjian_shared.localtime:\n" + "\n".join(offences)
