#!/usr/bin/env bash
# Mutation testing of the claim, the status machine, the sweeper and the report (mutmut, configured in
# pyproject.toml's [tool.mutmut]); not part of CI's run. Works in mutants/ (ignored by git), which keeps
# the results: a second run retests only what changed. Lists the mutants that survived at the end;
# `.venv/bin/mutmut show NAME` shows one. docs/MUTATION.md says why each survivor may live.
REFRAIN_EXTRAS="[test,mutation]"
source "$(dirname "$0")/bootstrap.sh"
.venv/bin/mutmut run --max-children "${MUTATION_CHILDREN:-2}" "$@"
.venv/bin/mutmut results
