"""`python -m bench [report|deliveries|library|style|signin|mcp] [--posts N] [--database URL]`: each figure a ratio
against a baseline measured in the same run, on this machine, so the numbers compare across machines."""

import argparse
import os
import sys

from bench import (
    calendar_feed,
    deliveries,
    interactions,
    lateness,
    library,
    mcp,
    posts_import,
    report,
    scale,
    signin,
    style,
    web,
)
from bench.common import DATABASE_VARIABLE

# minutes long, so they run only when named
LONG = {
    "lateness": lambda args: lateness.main(args.minutes, args.per_minute, args.workers),
    "web": lambda args: web.main(args.users, args.duration, args.posts, args.think, args.pages),
    # on PostgreSQL and a shared Redis only: under scripts/with-services.sh
    "scale": lambda args: scale.main(args.posts, args.database),
}

BENCHES = {
    "report": report.main,
    "deliveries": deliveries.main,
    "library": library.main,
    "style": style.main,
    "signin": signin.main,  # --posts N: N verifications (default 30)
    "patterns": interactions.patterns_main,  # --posts N: N interactions in the quarter (default 1,000,000)
    "interactions_import": interactions.import_main,  # --posts N: rows of the CSV (default 100,000)
    "posts_import": posts_import.main,  # --posts N: rows of the CSV of posts (default 10,000)
    "calendar_feed": calendar_feed.main,  # --posts N: posts in the plan whose feed is read (default 10,000)
    "mcp": mcp.main,  # --posts N: posts added to the demo quarter (default 2,000)
}
ON_ANY_DATABASE = {"report"}  # the others run on their own SQLite file

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"any of {', '.join([*BENCHES, *LONG])} (default: all but {', '.join(LONG)})",
    )
    parser.add_argument("--posts", type=int, default=None, help="size of the run (each bench has its default)")
    parser.add_argument(
        "--database",
        default=os.environ.get(DATABASE_VARIABLE),
        help=f"SQLAlchemy URL for {', '.join(sorted(ON_ANY_DATABASE))} (default: ${DATABASE_VARIABLE}, "
        "else a fresh SQLite file); a PostgreSQL database is emptied first",
    )
    parser.add_argument(
        "--only", choices=report.PARTS, help="report: run only this part (repetition: detection growth)"
    )
    lateness.add_options(parser)
    web.add_options(parser)
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in BENCHES and name not in LONG]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join([*BENCHES, *LONG])}")
    for name in args.names or BENCHES:
        if name in LONG:
            LONG[name](args)
        elif name in ON_ANY_DATABASE:
            BENCHES[name](args.posts, database=args.database, only=args.only)
        else:
            BENCHES[name](args.posts)
    sys.exit(0)
