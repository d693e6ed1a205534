#!/usr/bin/env bash
# watts.sh: the long run of the Watts (2002) cascade-window test (`make bench`):
# 2,000 single-seed trials per mean degree z on G(10,000, z/(n-1)), phi = 0.18,
# against the analytic probability of a global cascade; z = 0.5 ... 16
# (Fig. 1 of the paper).  The test suite runs the same test with 200 trials.
# Usage: bench/watts.sh TEST_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
echo
echo "== Watts (2002) cascade window: phi = 0.18, n = 10,000, 2,000 trials per z"
ADOPTSIM_WATTS_TRIALS=2000 "$1" --filter 'threshold/watts_cascade_window' --verbose 2>&1 |
    sed -n 's/^\[----\] watts /   /p; /^\[\(PASS\|FAIL\)\]/p'
