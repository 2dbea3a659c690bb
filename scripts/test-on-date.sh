#!/usr/bin/env bash
# The whole suite, as the README's test command runs it, on another day: scripts/test-on-date.sh
# 2028-02-29T23:30:00+01:00 [pytest options]. Every Python process of the run sees that moment (then
# the clock ticks on); see tests/support/another_day/sitecustomize.py.
# Days worth trying: the last day of a quarter, 29 February, a clock change in Europe/Paris,
# 31 December.
set -euo pipefail
cd "$(dirname "$0")/.."
when=${1:?give the moment to run on, such as 2028-02-29T23:30:00+01:00}
shift
REFRAIN_EXTRAS="[test]"
source scripts/bootstrap.sh
.venv/bin/python -m pip install --quiet "time-machine>=2.14"
offset=$(.venv/bin/python -c 'import sys, time; from datetime import datetime
when = datetime.fromisoformat(sys.argv[1]); assert when.tzinfo, "give an offset, such as +01:00"
print(when.timestamp() - time.time())' "$when")
export REFRAIN_CLOCK_OFFSET=$offset
export PYTHONPATH="$PWD/tests/support/another_day${PYTHONPATH:+:$PYTHONPATH}"
echo "== the suite on $(.venv/bin/python -c 'from datetime import datetime; print(datetime.now().astimezone().isoformat(timespec="seconds"))')"
exec .venv/bin/python -m pytest "$@"
