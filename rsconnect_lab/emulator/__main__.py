"""`python -m rsconnect_lab.emulator [serve options]` or `... add-user NAME --role R [--data DIR]`.

Both take the state directory from `--data`, else from CONNECT_EMULATOR_DATA, so that with the
variable set `add-user NAME` reaches the emulator that is running (it reads users per request).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .auth import ROLES, create_user_sync
from .faults import parse_fault
from .server import Emulator
from .state import Layout
from .store import Store

DATA_ENV = "CONNECT_EMULATOR_DATA"


def _data_default() -> Path | None:
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value).expanduser() if value else None


def serve_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rsconnect_lab.emulator",
        description="A local Posit Connect emulator.",
        epilog="Add users: python -m rsconnect_lab.emulator add-user NAME --role "
        "{administrator,publisher,viewer} [--data DIR] (prints the new API key). "
        f"{DATA_ENV} is the default of --data for both.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=3939, help="port (0: any free port)")
    p.add_argument(
        "--data",
        type=Path,
        default=_data_default(),
        help=f"state directory (default: ${DATA_ENV}, else a new temporary one)",
    )
    p.add_argument("--api-key", help="the administrator's API key (generated when omitted)")
    p.add_argument("--version", default="2025.09.0", help="Connect version to report")
    p.add_argument("--certfile", type=Path, help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--keyfile", type=Path, help="private key for --certfile")
    p.add_argument("--build-venvs", action="store_true", help="one virtualenv per requirements set")
    p.add_argument("--python", help="interpreter for content (default: the emulator's)")
    p.add_argument(
        "--require-login",
        action="store_true",
        help="apply access rules to content URLs (default: anyone may view content)",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault: 'POST /__api__/v1/content/*/bundles;status=503;count=1', "
        "'GET /__api__/v1/tasks/*;delay=2', '/__api__/v1/user;drop', 'deploy;fail_task', "
        "or a JSON object",
    )
    return p


def add_user(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m rsconnect_lab.emulator add-user")
    p.add_argument("name")
    p.add_argument("--role", default="publisher", choices=ROLES)
    p.add_argument(
        "--data",
        type=Path,
        default=_data_default(),
        help=f"the emulator's state directory (default: ${DATA_ENV})",
    )
    args = p.parse_args(argv)
    if args.data is None:
        p.error(f"name the emulator's state directory with --data DIR or {DATA_ENV}")
    layout = Layout(args.data)
    layout.make_dirs()
    store = Store(layout.db)
    try:
        _, key = create_user_sync(store, args.name, args.role)
    except Exception as exc:  # duplicate name, bad role
        print(f"add-user failed: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(key)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["add-user"]:
        return add_user(argv[1:])
    args = serve_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    if bool(args.certfile) != bool(args.keyfile):
        serve_parser().error("--certfile and --keyfile go together")
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as exc:
        serve_parser().error(f"--fault: {exc}")
    emu = Emulator(
        data_dir=args.data,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        version=args.version,
        certfile=args.certfile,
        keyfile=args.keyfile,
        build_venvs=args.build_venvs,
        python=args.python,
        faults=faults,
        open_content=not args.require_login,
    )
    emu.start()
    print(f"Connect emulator on {emu.url}", flush=True)
    if not args.api_key:
        print(f"API key: {emu.api_key}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
