"""Runs the escalation sweep periodically: `python -m api.escalation.worker [--once] [--now ISO]`."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time

from api.core.clock import utcnow
from api.core.db import get_sessionmaker
from api.escalation.job import sweep
from api.service_policy import get_policy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api.escalation.worker")
    parser.add_argument("--once", action="store_true", help="sweep once and exit")
    parser.add_argument("--now", type=dt.datetime.fromisoformat, help="pretend it is this (aware) time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sweep %(levelname)s %(message)s")
    interval = get_policy().escalation.sweep_interval_seconds
    while True:
        report = sweep(get_sessionmaker(), now=args.now or utcnow())
        logging.info("%s", report)
        if args.once:
            return 1 if report.errors else 0
        time.sleep(interval)


if __name__ == "__main__":
    sys.exit(main())
