#!/usr/bin/env bash
# w5.sh: W5 of shared/BENCHMARKS.md (`make bench` runs it after w4.sh): a
# Saltelli design over 10 genai parameters of the 500-person firm, N = 512
# (6,144 points) x 2 replicates = 12,288 runs of 365 days, two observables,
# no breakdowns (bench/w5.yaml).  Prints runs/s and bytes per run, beside
# W4's runs/s measured just before and just after in the same session (the
# machine is shared: compare the ratio), the CPU time per run of both (less
# sensitive to other load than the wall clock), then the Sobol indices of
# regular users at day 365.
# W5_POINTS=N runs a reduced design of N base rows (the rate is per run; the
# bytes per run hardly depend on N).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./adoptsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
def=bench/w5.yaml
if [ -n "${W5_POINTS:-}" ]; then
    sed "s/^  points: 512$/  points: $W5_POINTS/; s|^base: ../configs|base: $PWD/configs|" bench/w5.yaml > "$tmp/w5.yaml"
    def="$tmp/w5.yaml"
fi
rate() { sed -n 's/.*(\([0-9.e+]*\) runs\/s,.*/\1/p' "$1"; }
# adoptsim experiment, its summary in $1.txt and its user + sys seconds in $1.cpu
timed() {
    local name=$1
    shift
    /usr/bin/time -f "%U %S" -o "$tmp/$name.cpu" $BIN experiment "$@" --force --threads 2 2>/dev/null > "$tmp/$name.txt"
}
cpu_ms() { awk -v n="$2" '{printf "%.1f", ($1 + $2) * 1000 / n}' "$tmp/$1.cpu"; }

echo
echo "== W5: Saltelli design, 10 genai parameters of the 500-person firm, 2 replicates, 365 days"
timed w4a bench/w4_runs.yaml -o "$tmp/w4.h5"
timed w5 "$def" -o "$tmp/w5.h5"
timed w4b bench/w4_runs.yaml -o "$tmp/w4.h5"
w4a=$(rate "$tmp/w4a.txt") w4b=$(rate "$tmp/w4b.txt") w5=$(rate "$tmp/w5.txt")
runs=$(sed -n 's/.* = \([0-9]*\) runs of.*/\1/p' "$tmp/w5.txt")
secs=$(sed -n 's/.*ran [0-9]* runs in \([0-9.e+]*\) s.*/\1/p' "$tmp/w5.txt")
bytes=$(stat -c %s "$tmp/w5.h5")
echo "   $runs runs in $secs s: $w5 runs/s on 2 threads; W4 (200 runs) just before and after: $w4a, $w4b runs/s" \
     "(W5 / their mean: $(awk -v a="$w5" -v b="$w4a" -v c="$w4b" 'BEGIN {printf "%.2f", 2 * a / (b + c)}'))"
echo "   CPU time per run (user + sys): W5 $(cpu_ms w5 "$runs") ms, W4 $(cpu_ms w4a 200) and $(cpu_ms w4b 200) ms"
echo "   file $bytes bytes: $(awk -v a="$bytes" -v b="$runs" 'BEGIN {printf "%.0f", a / b}') bytes per run"
$BIN sensitivity "$tmp/w5.h5" --outcome regular_users --day 365 --bootstrap 200 | sed 's/^/   /'
