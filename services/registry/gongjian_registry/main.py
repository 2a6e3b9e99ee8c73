"""Entry point: ``gongjian-registry`` or ``python -m gongjian_registry.main``."""

from gongjian_shared.http import serve

from .bootstrap import build_app
from .config import RegistrySettings


def run() -> None:
    serve(RegistrySettings(), build_app)


if __name__ == "__main__":
    run()
