"""`python worker.py`: one RQ worker with the app's configuration (the same as `refrain worker`)."""

import sys

from scheduler import create_app
from scheduler.jobs.workers import run_worker

if __name__ == "__main__":
    run_worker(create_app(), burst="--burst" in sys.argv[1:])
