"""Operator commands: `python -m api.cli migrate|seed|prepare|create-user`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from api.core.config import ROOT, get_settings


def migrate(database_url: str | None = None) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = database_url or get_settings().database_url
    command.upgrade(cfg, "head")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api.cli")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="seed demo data (idempotent)")
    sub.add_parser("prepare", help="migrate + seed: what `make run` does before starting")
    args = parser.parse_args(argv)

    settings = get_settings()  # generates var/secrets.json on a fresh clone, before workers start
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if args.cmd in ("migrate", "prepare"):
        migrate()
    if args.cmd in ("seed", "prepare"):
        from api.seed import seed_demo

        print(seed_demo())
    return 0


if __name__ == "__main__":
    sys.exit(main())
