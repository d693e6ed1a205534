#!/usr/bin/env bash
# run.sh: the benchmark workloads of shared/BENCHMARKS.md (`make bench`).
# Prints one block per workload; the machine is shared and noisy, so every
# figure is a median of repeated runs, and W1 is timed side by side with the
# NumPy/SciPy peer in the same session.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
PEERS=../shared/bench/peers
BIN=./adoptsim
mkdir -p bench/data bench/results
tmp=$(mktemp -d)
# seconds of simulation alone, from a run summary
simsec() { sed -n 's/.*simulation \([0-9.e+-]*\) s.*/\1/p' "$1"; }
trap 'rm -rf "$tmp"' EXIT

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), adoptsim $($BIN --version)"

echo
echo "== W1: Bass on the 10,000-agent Watts-Strogatz graph (k=10, rewire 0.1), 365 days"
graph=bench/data/ws_10000_10_0.1.csr
[ -f "$graph" ] || $PY $PEERS/common_graph.py 10000 10 0.1 42 "$graph"
echo "-- peer (NumPy/SciPy, same graph, same session):"
$PY $PEERS/numpy_adopt.py "$graph" --reps 5 | tee "$tmp/peer.txt"
spmv=$(awk '$1=="spmv" {print $3}' "$tmp/peer.txt" | tr -d s)
for threads in 1 2; do
    read -r med best < <($PY bench/timeit.py 21 $BIN run bench/w1.yaml -o "$tmp/w1.h5" --force -q --threads $threads)
    $BIN run bench/w1.yaml -o "$tmp/w1.h5" --force --threads $threads > "$tmp/w1.txt"
    sim=$(simsec "$tmp/w1.txt")
    echo "-- adoptsim run, $threads thread(s): whole run (process start to file written) median ${med} s, best ${best} s; simulation alone ${sim} s"
    awk -v m="$med" -v s="$spmv" -v sim="$sim" 'BEGIN {
        printf "   whole-run agent-steps/s %.3g; %.1fx the SciPy peer (best %s s); simulation alone %.3g agent-steps/s\n",
               3650000 / m, s / m, s, 3650000 / sim }'
done

echo
echo "== W2: Bass on 1,000,000 agents, Watts-Strogatz k=20, 365 days"
for kernel in push pull; do
    for threads in 1 2; do
        sims=()
        for rep in 1 2 3; do
            /usr/bin/time -f "%M" -o "$tmp/rss" $BIN run configs/bass_ws.yaml -o "$tmp/w2.h5" --force \
                --set network.agents=1000000 --set network.k=20 --set model.bass.kernel=$kernel \
                --threads $threads > "$tmp/w2.txt"
            sims+=("$(simsec "$tmp/w2.txt")")
        done
        sim=$(printf '%s\n' "${sims[@]}" | sort -g | sed -n 2p)
        rss_kb=$(cat "$tmp/rss")
        awk -v sim="$sim" -v rss="$rss_kb" -v k="$kernel" -v t="$threads" 'BEGIN {
            printf "   %s kernel, %d thread(s): simulation %.3f s (median of 3), %.3g agent-steps/s, peak RSS %.0f bytes/agent\n",
                   k, t, sim, 1e6 * 365 / sim, rss * 1024 / 1e6 }'
    done
done
echo "-- full-scan throughput (pull kernel while almost nobody has adopted: p=1e-4, q=0, 30 days):"
for threads in 1 2; do
    sims=()
    for rep in 1 2 3; do
        $BIN run configs/bass_ws.yaml -o "$tmp/w2s.h5" --force --set network.agents=1000000 \
            --set network.k=20 --set model.bass.kernel=pull --set model.bass.p=0.0001 --set model.bass.q=0 \
            --set run.days=30 --threads $threads > "$tmp/w2s.txt"
        sims+=("$(simsec "$tmp/w2s.txt")")
    done
    sim=$(printf '%s\n' "${sims[@]}" | sort -g | sed -n 2p)
    ties=$(sed -n 's/.*agents, \([0-9]*\) ties.*/\1/p' "$tmp/w2s.txt")
    awk -v sim="$sim" -v ties="$ties" -v t="$threads" 'BEGIN {
        printf "   %d thread(s): %.3g agent-steps/s, %.3g edge-visits/s (%d arcs scanned per day)\n",
               t, 1e6 * 30 / sim, 2 * ties * 30 / sim, 2 * ties }'
done

echo
echo "== W3: genai, 100,000 staff, 365 days, every intervention active (bench/w3.yaml)"
for threads in 1 2; do
    sims=()
    for rep in 1 2 3 4 5; do
        $BIN run bench/w3.yaml -o "$tmp/w3.h5" --force --threads $threads > "$tmp/w3.txt"
        sims+=("$(simsec "$tmp/w3.txt")")
    done
    sim=$(printf '%s\n' "${sims[@]}" | sort -g | sed -n 3p)
    best=$(printf '%s\n' "${sims[@]}" | sort -g | sed -n 1p)
    awk -v sim="$sim" -v best="$best" -v t="$threads" 'BEGIN {
        printf "   %d thread(s): simulation %.3f s (median of 5, best %.3f s), %.3g agent-steps/s\n",
               t, sim, best, 1e5 * 365 / sim }'
done
