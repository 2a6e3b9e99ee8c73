"""The ``gongjian`` command: local infrastructure, services, tokens, demo, rebuild."""

from __future__ import annotations

import argparse
import os
import sys
import time

from gongjian_shared.auth import ROLES, issue_token
from gongjian_shared.settings import ServiceSettings

from . import interrupts
from .infra_cli import add_infra_commands


def _token(args: argparse.Namespace) -> int:
    settings = ServiceSettings()
    places = [p for value in args.place for p in value.split(",") if p]
    sub = args.sub or f"dev-{args.role}"
    kid, secret = settings.signing_key()
    print(issue_token(secret, sub=sub, role=args.role, places=places, ttl_hours=args.hours, kid=kid))
    return 0


def infra_env() -> dict[str, str]:
    """Use the given Kafka and MongoDB, or provision the local ones."""
    env = dict(os.environ)
    if not (env.get("KAFKA_BOOTSTRAP_SERVERS") and env.get("MONGODB_URL")):
        from .infra import ensure_up

        endpoints = ensure_up()
        env["KAFKA_BOOTSTRAP_SERVERS"] = endpoints.kafka_bootstrap
        env["MONGODB_URL"] = endpoints.mongodb_url
    return env


def wait_for_interrupt() -> None:
    """Until Ctrl-C or SIGTERM (which main() turns into KeyboardInterrupt)."""
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


def _up(args: argparse.Namespace) -> int:
    from .frontend import ensure_built
    from .services import running_services

    ensure_built()  # the portal serves the built pages: never a missing or outdated build unannounced
    print("启动基础设施 (Kafka + MongoDB wire) …")
    env = infra_env()
    with running_services(env) as services:
        print(f"\n共建 gongjian 已启动 (running) — 浏览器入口 (open in a browser): {services['portal'].url}/")
        for name, svc in services.items():
            print(f"  {name:<11} {svc.url}/docs")
        print(f"  dashboard   {services['evaluation'].url}/dashboard")
        print("按 Ctrl-C 停止 (Ctrl-C to stop)")
        wait_for_interrupt()
    print("服务已停止 (services stopped)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo
    from .frontend import ensure_built

    ensure_built()
    return run_demo(keep_running=not args.no_wait)


def _rebuild(args: argparse.Namespace) -> int:
    """Rebuild evaluation's read models from the topics (run with the evaluation service stopped)."""
    import asyncio

    from gongjian_evaluation.rebuild import rebuild

    return 0 if asyncio.run(rebuild()) else 1


def _redrive(args: argparse.Namespace) -> int:
    """Publish a dead-letter topic's records back to where they came from (see docs/operations.md)."""
    from gongjian_shared.redrive import main as redrive

    return redrive([args.topic, *(["--dry-run"] if args.dry_run else [])])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongjian", description="共建 gongjian: community co-building platform")
    sub = parser.add_subparsers(dest="command", required=True)
    add_infra_commands(sub)

    token = sub.add_parser("token", help="打印开发令牌 print a signed development token")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--place", action="append", default=[], help="地点或单位编号，可重复 (place/unit id, repeatable)")
    token.add_argument("--sub", help="主体编号，如党员编号 (subject id, e.g. the member id)")
    token.add_argument("--hours", type=float, default=12)
    token.set_defaults(func=_token)

    up = sub.add_parser("up", help="启动基础设施和三个服务 start infra and the three services")
    up.set_defaults(func=_up)

    demo = sub.add_parser("demo", help="演示：启动一切并载入演示城市 start everything and play a demo city")
    demo.add_argument("--no-wait", action="store_true", help="演示结束后退出 exit when the demo has played")
    demo.set_defaults(func=_demo)

    rebuild = sub.add_parser("rebuild", help="从事件重建考评读模型 rebuild evaluation read models from the topics")
    rebuild.set_defaults(func=_rebuild)

    redrive = sub.add_parser("redrive", help="把死信重新投递到原主题 re-drive a dead-letter topic (claims.demands.v1.dlq)")
    redrive.add_argument("topic")
    redrive.add_argument("--dry-run", action="store_true")
    redrive.set_defaults(func=_redrive)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, through every `finally`: services, pools and
    # threads we started are stopped, whatever step we are in (never mid-spawn: interrupts.py).
    previous = interrupts.install()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:
        print(f"错误 (error): {exc}", file=sys.stderr)
        return 1
    finally:
        interrupts.restore(previous)


if __name__ == "__main__":
    sys.exit(main())
