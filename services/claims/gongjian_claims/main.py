"""Entry point: ``gongjian-claims`` or ``python -m gongjian_claims.main``."""

from gongjian_shared.http import serve

from .bootstrap import build_app
from .config import ClaimsSettings


def run() -> None:
    serve(ClaimsSettings(), build_app)


if __name__ == "__main__":
    run()
