#!/usr/bin/env bash
# lhs1000.sh: a 1,000-point Latin-hypercube sweep of the 500-person firm
# (bench/lhs1000.yaml, the default output: every observable and breakdown),
# 2 threads, from the command line to the written file (`make bench` runs it
# after w5.sh).  Prints runs/s, CPU time per run, peak memory (the maximum
# resident set of /usr/bin/time -v) and bytes per run, each beside its goal:
# peak memory under 200 MB, bytes per run at least 3x below the 284 KB a run
# took uncompressed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./adoptsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo
echo "== LHS 1000: Latin-hypercube sweep, 1,000 points x 1 replicate of the 500-person firm, 365 days, default output"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v -o "$tmp/time.txt" $BIN experiment bench/lhs1000.yaml -o "$tmp/lhs.h5" --force --threads 2 \
    2>/dev/null > "$tmp/lhs.txt"
runs=$(sed -n 's/.* = \([0-9]*\) runs of.*/\1/p' "$tmp/lhs.txt")
rate=$(sed -n 's/.*(\([0-9.e+]*\) runs\/s,.*/\1/p' "$tmp/lhs.txt")
bytes=$(stat -c %s "$tmp/lhs.h5")
awk -v runs="$runs" -v rate="$rate" -v bytes="$bytes" '
    /Maximum resident set size/ { rss = $NF }
    /User time/ { user = $NF }
    /System time/ { sys = $NF }
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
    END {
        printf "   %d runs: %s runs/s on 2 threads; command line to written file %.1f s; CPU time per run %.1f ms\n",
               runs, rate, wall, 1000 * (user + sys) / runs
        printf "   peak memory %.1f MB (goal: under 200 MB)\n", rss * 1024 / 1e6
        printf "   file %d bytes: %.1f KB per run, %.2fx smaller than the 284 KB of an uncompressed run (goal: at least 3x)\n",
               bytes, bytes / runs / 1000, 284000 / (bytes / runs)
    }' "$tmp/time.txt"
