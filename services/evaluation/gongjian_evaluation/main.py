"""Entry point: ``gongjian-evaluation`` or ``python -m gongjian_evaluation.main``."""

from gongjian_shared.http import serve

from .bootstrap import build_app
from .config import EvaluationSettings


def run() -> None:
    serve(EvaluationSettings(), build_app)


if __name__ == "__main__":
    run()
