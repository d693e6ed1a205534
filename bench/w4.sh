#!/usr/bin/env bash
# w4.sh: W4 of shared/BENCHMARKS.md (`make bench` runs it after run.sh):
# experiment throughput on a 500-staff organization over a year.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
BIN=./adoptsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo
echo "== W4: experiments on the 500-person firm (configs/firm_500.yaml), 365 days"
for threads in 1 2; do
    rates=()
    for rep in 1 2 3; do
        $BIN experiment bench/w4_runs.yaml -o "$tmp/w4.h5" --force --threads $threads 2>/dev/null > "$tmp/w4.txt"
        rates+=("$(sed -n 's/.*(\([0-9.e+]*\) runs\/s, \([0-9.e+]*\) agent-steps\/s).*/\1 \2/p' "$tmp/w4.txt")")
    done
    read -r rate steps < <(printf '%s\n' "${rates[@]}" | sort -g | sed -n 2p)
    echo "   200 replicates, $threads thread(s): ${rate} runs/s (median of 3), ${steps} agent-steps/s"
done
read -r med best < <($PY bench/timeit.py 3 $BIN experiment bench/w4_compare.yaml -o "$tmp/w4c.h5" --force -q --threads 2)
bytes=$(stat -c %s "$tmp/w4c.h5")
echo "   8 scenarios x 30 replicates, 2 threads, command line to written file: median ${med} s, best ${best} s (file ${bytes} bytes)"
