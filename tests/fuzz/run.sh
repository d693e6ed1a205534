#!/usr/bin/env bash
# run.sh: runs the libFuzzer harnesses built by `make fuzz`, each for SECONDS,
# FUZZ_JOBS (2) at a time, at nice FUZZ_NICE (19), then prints per harness
# the executions, the final coverage (cov: edges, ft: features), the corpus
# size and the findings.  Exits 1 when there is a finding.
#   bash tests/fuzz/run.sh OUT SECONDS NAME...
# OUT (build/fuzz) holds the binaries (OUT/fuzz/NAME) and the dictionaries
# (OUT/dict); the grown corpus goes to OUT/corpus/NAME, findings (crash-,
# leak-, timeout-, oom- files) to OUT/findings/NAME, the logs to OUT/logs.
# Each harness starts from its committed seeds (tests/fuzz/corpus/NAME), its
# regression inputs (tests/fuzz/regressions/NAME) and its grown corpus; after
# a finding it is started again until its time is up.
set -euo pipefail
out=$1
secs=$2
shift 2
jobs=${FUZZ_JOBS:-2}
nice=${FUZZ_NICE:-19}

# the harnesses' input files live here (memory), removed at the end
root=$(mktemp -d /dev/shm/adoptsim-fuzz-run.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$root"' EXIT
stamp="$root/started"
touch "$stamp"

run_one() {
    local name=$1 dict="" log="$out/logs/$name.log" left runs=0
    local end=$(($(date +%s) + secs))
    mkdir -p "$out/corpus/$name" "$out/findings/$name" "$out/logs"
    case $name in
        scenario|experiment) dict="-dict=$out/dict/yaml.dict" ;;
        orgchart|edgelist) dict="-dict=$out/dict/csv.dict" ;;
    esac
    local dirs=("$out/corpus/$name" "tests/fuzz/corpus/$name")
    [ -d "tests/fuzz/regressions/$name" ] && dirs+=("tests/fuzz/regressions/$name")
    echo "fuzz: $name for ${secs}s (log: $log)"
    : > "$log"
    # libFuzzer stops at a finding (saved to findings/): start it again on
    # the grown corpus until the time is up
    while left=$((end - $(date +%s))); [ "$left" -gt 0 ]; do
        [ "$runs" -gt 0 ] && echo "fuzz: $name: restarted after a finding" >> "$log"
        local before
        before=$(find "$out/findings/$name" -type f | wc -l)
        ADOPTSIM_FUZZ_ROOT="$root" OMP_NUM_THREADS=1 nice -n "$nice" "$out/fuzz/$name" \
            -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
            -print_final_stats=1 $dict -artifact_prefix="$out/findings/$name/" "${dirs[@]}" \
            < /dev/null >> "$log" 2>&1 || true
        runs=$((runs + 1))
        # no new finding: it ran its time (or could not start; see the log)
        [ "$(find "$out/findings/$name" -type f | wc -l)" -gt "$before" ] || break
    done
}

running=0
for name in "$@"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$name" &
    running=$((running + 1))
done
wait

status=0
printf '\n%-11s %8s %11s %6s %6s %7s  %s\n' harness seconds executions cov ft corpus findings
for name in "$@"; do
    log="$out/logs/$name.log"
    # each libFuzzer run ends with "stat::number_of_executed_units: N" and
    # "stat::...", its status lines read "#N <event> cov: C ft: F corp: K/..."
    execs=$(awk '/^stat::number_of_executed_units:/ {n += $2} END {print n + 0}' "$log")
    last=$(grep -a '^#[0-9].* cov: ' "$log" | tail -n 1 || true)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    found=$(find "$out/findings/$name" -type f -newer "$stamp" | sort)
    n=$(echo -n "$found" | grep -c . || true)
    printf '%-11s %8s %11s %6s %6s %7s  %s\n' "$name" "$secs" "$execs" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$n"
    if [ "$n" -gt 0 ]; then
        status=1
        echo "$found" | sed 's/^/    /'
    fi
done
if [ "$status" -ne 0 ]; then
    echo "fuzz: findings above; reproduce one with $out/fuzz/NAME FILE, then add it to"
    echo "      tests/fuzz/regressions/NAME with the fix"
fi
exit $status
