#!/usr/bin/env bash
# Set up (first time) and run Refrain on the embedded defaults: http://127.0.0.1:5000
source "$(dirname "$0")/scripts/bootstrap.sh"
exec .venv/bin/refrain serve "$@"
