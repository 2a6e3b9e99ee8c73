"""`gongjian infra up|down|status`: the local Kafka and MongoDB-wire server alone.

Wire it into the main parser with ``add_infra_commands(subparsers)``; each leaf parser
sets ``func`` to a callable taking the parsed args and returning an exit code.
"""

from __future__ import annotations

import argparse
import sys

from .infra import InfraConfig, InfraError, down, ensure_up, external_endpoints, status


def add_infra_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    infra = subparsers.add_parser(
        "infra", help="start, stop or inspect the local Kafka and MongoDB-wire server",
        description="Local Kafka (KRaft, single node) and FerretDB. Ports: KAFKA_PORT, "
                    "KAFKA_CONTROLLER_PORT, MONGODB_PORT; state: GONGJIAN_STATE; downloads "
                    "and builds: GONGJIAN_CACHE.")
    commands = infra.add_subparsers(dest="infra_command", metavar="{up,down,status}")
    commands.required = True

    up = commands.add_parser("up", help="provision (once), start and wait until ready")
    up.add_argument("--timeout", type=float, default=120.0,
                    help="seconds to wait for readiness (default 120)")
    up.add_argument("--restart-outdated", action="store_true",
                    help="restart a FerretDB built from older patches even if clients are "
                         "connected (without it, only an idle one is restarted)")
    up.set_defaults(func=cmd_up)

    stop = commands.add_parser("down", help="stop both and leave no process behind")
    stop.set_defaults(func=cmd_down)

    show = commands.add_parser("status", help="show state; exit code 0 only if all run")
    show.add_argument("--no-probe", action="store_true",
                      help="skip the produce/hello readiness probes")
    show.set_defaults(func=cmd_status)
    return infra


def cmd_up(args: argparse.Namespace) -> int:
    given = external_endpoints()
    if given is not None:
        print("KAFKA_BOOTSTRAP_SERVERS and MONGODB_URL are set: nothing to provision.")
    try:
        endpoints = given or ensure_up(timeout=args.timeout, restart_outdated=args.restart_outdated)
    except InfraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"KAFKA_BOOTSTRAP_SERVERS={endpoints.kafka_bootstrap}")
    print(f"MONGODB_URL={endpoints.mongodb_url}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    try:
        stopped = down()
    except InfraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    config = InfraConfig.from_env()
    components = status(config, probe=not args.no_probe)
    rows = [("COMPONENT", "STATE", "PID", "PORT", "READY", "LOG")]
    for c in components.values():
        ready = "-" if args.no_probe or not c.running else ("yes" if c.ready else "no")
        state = c.state + (f" ({c.detail})" if c.detail else "")
        rows.append((c.name, state, str(c.pid or "-"), str(c.port), ready, str(c.log_file)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    print(f"state dir: {config.state_dir}")
    return 0 if all(c.running for c in components.values()) else 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m gongjian_local.infra_cli infra status`)."""
    parser = argparse.ArgumentParser(prog="gongjian")
    add_infra_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
