"""``python -m subgraphs.seed [--reset] [--users N] [--courses N]``: load the data set.

Databases come from USERS_DATABASE_URL, COURSES_DATABASE_URL, PROGRESS_DATABASE_URL, or
SQLite files under DATA_DIR (default ``data/``).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from subgraphs.seed.dataset import generate
from subgraphs.seed.load import load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.seed", description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--reset", action="store_true", help="empty the tables first")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(users=args.users, courses=args.courses)
    counts = asyncio.run(load(data, reset=args.reset))
    print(
        f"seeded {len(data.users)} users, {len(data.courses)} courses, {len(data.modules)} "
        f"modules, {len(data.lessons)} lessons, {len(data.enrollments)} enrollments, "
        f"{len(data.completions)} completions ({sum(counts.values())} rows offered) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
