"""Two-way evaluation (双向评议) rules: grades, a party's result, when a unit must be interviewed. Pure."""

from __future__ import annotations

GRADES = {"好": 4, "较好": 3, "一般": 2, "差": 1}
BY_SCORE = {v: k for k, v in GRADES.items()}
INTERVIEW_AT_OR_BELOW = GRADES["一般"]


def result_grade(grades: list[str]) -> tuple[str, float]:
    """The party's grade: the mean score, rounded half down (a tie never flatters)."""
    scores = [GRADES[g] for g in grades]
    mean = sum(scores) / len(scores)
    rounded = int(mean) if mean - int(mean) <= 0.5 else int(mean) + 1
    return BY_SCORE[max(1, min(4, rounded))], round(mean, 2)


def needs_interview(this_year: str | None, last_year: str | None) -> bool:
    """约谈: graded 一般 or worse two years running."""
    return (this_year is not None and last_year is not None
            and GRADES[this_year] <= INTERVIEW_AT_OR_BELOW and GRADES[last_year] <= INTERVIEW_AT_OR_BELOW)
