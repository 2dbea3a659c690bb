"""`python -m bench [report|deliveries|library|style] [--posts N]`: each figure a ratio against a baseline measured
in the same run, on this machine, so the numbers compare across machines."""
import argparse
import sys

from . import deliveries, library, report, style

BENCHES = {"report": report.main, "deliveries": deliveries.main, "library": library.main,
           "style": style.main}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHES)} (default: all)")
    parser.add_argument("--posts", type=int, default=None, help="size of the run (each bench has its default)")
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHES)}")
    for name in args.names or BENCHES:
        BENCHES[name](args.posts)
    sys.exit(0)
