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
# the simulation alone, replicate after replicate in one process (bench/simloop.c)
build/release/simloop configs/firm_500.yaml -r 201 -t 1 > "$tmp/loop.txt"
sed -n 's/.*per run median \([0-9.]*\) s, best \([0-9.]*\) s.*CPU per run median \([0-9.]*\) s.*/\1 \2 \3/p' "$tmp/loop.txt" |
    awk '{ printf "   one run, simulation alone (201 replicates in a row, 1 thread): median %.2f ms, best %.2f ms (CPU %.2f ms), %.3g agent-steps/s\n",
                  1e3 * $1, 1e3 * $2, 1e3 * $3, 500 * 365 / $1
           printf "   bound: with nothing but the simulation and two perfect cores, at most %.0f runs/s\n", 2 / $1 }'
for threads in 1 2; do
    rates=()
    for rep in 1 2 3; do
        $BIN experiment bench/w4_runs.yaml -o "$tmp/w4.h5" --force --threads $threads 2>/dev/null > "$tmp/w4.txt"
        rates+=("$(sed -n 's/.*(\([0-9.e+]*\) runs\/s, \([0-9.e+]*\) agent-steps\/s).*/\1 \2/p' "$tmp/w4.txt")")
    done
    read -r rate steps < <(printf '%s\n' "${rates[@]}" | sort -g | sed -n 2p)
    w4[threads]=$rate
    echo "   200 replicates, $threads thread(s): ${rate} runs/s (median of 3), ${steps} agent-steps/s"
done
# Beside it, what this machine gives two independent copies: two 1-thread
# experiments side by side (each its own file), their 400 runs over the
# slower one's time for its runs (the figure the runs/s above are taken on).
runsec() { sed -n 's/.*ran \([0-9]*\) runs in \([0-9.e+-]*\) s.*/\2/p' "$1"; }
pairs=()
for rep in 1 2 3; do
    $BIN experiment bench/w4_runs.yaml -o "$tmp/w4a.h5" --force --threads 1 2>/dev/null > "$tmp/w4a.txt" &
    pair_pid=$!
    $BIN experiment bench/w4_runs.yaml -o "$tmp/w4b.h5" --force --threads 1 2>/dev/null > "$tmp/w4b.txt"
    wait "$pair_pid"
    pairs+=("$(awk -v a="$(runsec "$tmp/w4a.txt")" -v b="$(runsec "$tmp/w4b.txt")" 'BEGIN { print 400 / (a > b ? a : b) }')")
done
pair=$(printf '%s\n' "${pairs[@]}" | sort -g | sed -n 2p)
awk -v pair="$pair" -v one="${w4[1]}" -v two="${w4[2]}" 'BEGIN {
    printf "   beside it: two 1-thread experiments side by side, %.0f runs/s together (median of 3): %.2fx the 1-thread rate;\n", pair, pair / one
    printf "      the 2-thread experiment does %.2fx as well as the two copies\n", two / pair }'
awk -v one="${w4[1]}" -v two="${w4[2]}" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "   goal: at least 500 runs/s on 2 threads (%s: %s) and 1.8x the 1-thread rate (%.2fx: %s); load average now %s\n",
           two, (two >= 500 ? "met" : "not met"), two / one, (two / one >= 1.8 ? "met" : "not met"), load }'
read -r med best _ < <($PY bench/timeit.py 3 $BIN experiment bench/w4_compare.yaml -o "$tmp/w4c.h5" --force -q --threads 2)
bytes=$(stat -c %s "$tmp/w4c.h5")
echo "   8 scenarios x 30 replicates, 2 threads, command line to written file: median ${med} s, best ${best} s (file ${bytes} bytes)"
