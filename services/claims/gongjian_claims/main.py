"""Entry point: ``gongjian-claims`` or ``python -m gongjian_claims.main``."""

import uvicorn
from gongjian_shared.privacy import configure_logging

from .bootstrap import build_app
from .config import ClaimsSettings


def run() -> None:
    settings = ClaimsSettings()
    configure_logging(settings.log_level)
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":
    run()
