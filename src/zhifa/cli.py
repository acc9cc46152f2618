"""``zhifa``: the one console command for all of the CLI.

Each app may contribute subcommands in its ``cli.py`` with ``register(subparsers)``. A
subcommand that needs the database sets ``needs_django=True`` as a default; pure commands
(``decide``, ``offsite detect``, ``deadline``) start without Django and without a database.
Exit codes: 0 success, 1 a checked failure (e.g. a broken audit chain), 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from importlib.util import find_spec

COMMAND_MODULES = [
    "zhifa.core.cli",
    "zhifa.agencies.cli",
    "zhifa.parties.cli",
    "zhifa.catalog.cli",
    "zhifa.cases.cli",
    "zhifa.documents.cli",
    "zhifa.offsite.cli",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhifa", description="zhifa 交通运输执法平台命令行")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    manage = sub.add_parser("manage", help="Django 管理命令（migrate、runserver、createsuperuser …）")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_manage, needs_django=False)

    for name in COMMAND_MODULES:
        if find_spec(name) is not None:
            import_module(name).register(sub)
    return parser


def _manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhifa manage", *args.args])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "needs_django", False):
        setup_django()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
