#!/usr/bin/env bash
# calibrate_coverage.sh: `make calibrate-coverage`: the coverage of the
# 90% credible intervals of adoptsim calibrate over 20 synthetic data sets.
# Each data set is one run of the 500-staff firm (configs/firm_500.yaml,
# first four months) at true values drawn from the calibration's own priors
# (use.intercept uniform on [-2.6, -0.9], use.peers on [0.5, 2.5]; a fixed
# draw per data set), with its own seed, exported as a licence console would
# (monthly and weekly active at the month ends: scripts/licence_export.py);
# each is fitted with configs/calibrate_firm_500.yaml's priors and series
# (100 particles, at most 3,000 simulations) and a seed of its own.  With
# truths drawn from the prior, a calibrated 90% interval covers 90% of them:
# of the 40 intervals (20 data sets x 2 parameters) 36 in expectation
# (binomial sd 1.9, the two intervals of a data set not independent).  The
# check passes at 30 to 40 (75% and up: an ABC posterior at a positive
# tolerance is wider than the exact one, so coverage errs high, not low) and
# prints the share, to be read against 90%.
# COVERAGE_SETS=N runs N data sets instead of 20 (about 15 s each on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./adoptsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sets=${COVERAGE_SETS:-20}
covered=0 total=0
echo "== calibrate coverage: $sets synthetic data sets, 2 parameters, 90% credible intervals"
for i in $(seq 1 "$sets"); do
    # the truth of data set i, uniform on the priors' ranges (Python's Mersenne Twister, seed i)
    read -r t_int t_peer < <(/usr/bin/python3 -c "import random; r = random.Random($i); \
print('%.4f %.4f' % (-2.6 + 1.7 * r.random(), 0.5 + 2.0 * r.random()))")
    $BIN run configs/firm_500.yaml -o "$tmp/truth.h5" -q --force --replicates 1 --seed $((1000 + i)) \
        --set run.start_date=2025-01-06 --set run.days=120 \
        --set model.genai.use.intercept="$t_int" --set model.genai.use.peers="$t_peer"
    /usr/bin/python3 scripts/licence_export.py "$tmp/truth.h5" 2025-01-06 4 > "$tmp/data.csv"
    sed -e "s|^scenario: |scenario: $PWD/configs/|" -e "s|file: .*\.csv|file: $tmp/data.csv|" \
        -e "s|^seed: 1|seed: $i|" -e "s|particles: 200|particles: 100|" -e "s|max_runs: 6000|max_runs: 3000|" \
        configs/calibrate_firm_500.yaml > "$tmp/cal.yaml"
    $BIN calibrate "$tmp/cal.yaml" -o "$tmp/fit.h5" --threads 2 --force -q
    line=$($BIN report "$tmp/fit.h5" | awk -v ti="$t_int" -v tp="$t_peer" '/^Posterior \(/ {on = 1; next} on && /^$/ {on = 0} on && /model.genai.use/ {
        t = ($1 ~ /intercept/) ? ti : tp; c = ($4 <= t && t <= $5); n += c
        printf "%s %s in [%s, %s] %s; ", $1, t, $4, $5, c ? "covers" : "MISSES" } END {print n + 0}')
    n=${line##*; }
    covered=$((covered + n))
    total=$((total + 2))
    echo "   data set $i: ${line%; *}"
done
echo "   covered: $covered of $total intervals ($(awk -v c=$covered -v t=$total 'BEGIN {printf "%.0f", 100 * c / t}')%;" \
     "nominal 90%); pass at 75% or more: $(awk -v c=$covered -v t=$total 'BEGIN {print (c >= 0.75 * t ? "PASS" : "FAIL")}')"
awk -v c=$covered -v t=$total 'BEGIN {exit !(c >= 0.75 * t)}'
