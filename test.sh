#!/usr/bin/env bash
# Set up (first time) and run the whole test suite.
REFRAIN_EXTRAS="[test]"
source "$(dirname "$0")/scripts/bootstrap.sh"
exec .venv/bin/python -m pytest "$@"
