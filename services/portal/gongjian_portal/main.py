"""Entry point: ``gongjian-portal`` or ``python -m gongjian_portal.main``."""

from gongjian_shared.http import serve

from .bootstrap import build_app
from .config import PortalSettings


def run() -> None:
    serve(PortalSettings(), build_app)


if __name__ == "__main__":
    run()
