#!/usr/bin/env bash
# The cluster figures of README:
#  (a) the 16-trial Fashion-MNIST campaign deploy/bench/fashion-mnist-16.conf on two worker JVMs and
#      on one (1 slot x 1 thread each, each worker started with --preload of the campaign; a fresh
#      coordinator, journal and workers from deploy/local-cluster.sh each time): wall time of
#      `hpsearch launch`, and the campaign's wall time on the coordinator (submitted to completed,
#      from the journal), and the ratios two/one;
#  (b) the coordinator's dispatch latency p99 of the two-worker run (`hpsearch results --stats`);
#  (c) coordinator throughput: DispatchBench with 50 simulated workers and trials that train nothing;
#  and first, for context, how much two training threads gain over one on this machine right now.
# Usage: deploy/bench/cluster-figures.sh [RUNS]   (default 1): (a) and the context RUNS times in turn,
# each run's figures, then the medians over the runs (of the times, and of each run's ratios): a
# campaign on this machine varies by a second or more from run to run.
# Needs the built jar (mvn -q -DskipTests package; or HPSEARCH_JAR) and Fashion-MNIST (scripts/setup.sh).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hpsearch="$deploy_dir/bin/hpsearch"
out="${HPSEARCH_FIGURES_DIR:-$repo_dir/runs/cluster-figures}"
mkdir -p "$out"

run() { # workers
    local n="$1" dir="$out/workers-$1"
    export HPSEARCH_CLUSTER_DIR="$dir"
    export HPSEARCH_WORKER_OPTS="$campaign_worker_opts"
    fresh_cluster "$n" "$out/cluster-$n.txt"
    local port start end
    port="$(cluster_port)"
    start="$(date +%s.%N)"
    "$hpsearch" launch "$campaign" --join "127.0.0.1:$port" > "$out/table-$n.txt" 2> "$out/launch-$n.log"
    end="$(date +%s.%N)"
    "$hpsearch" results --join "127.0.0.1:$port" --stats > "$out/results-$n.txt" 2>/dev/null
    stop_cluster
    campaign_seconds > "$out/campaign-seconds-$n.txt"
    awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
}

runs="${1:-1}"

# What two cores give the training kernels right now: on a virtual machine the two vCPUs may
# share one physical core's vector units at times, and then no campaign can run twice as fast.
sec_per_epoch() { "$hpsearch" bench --shape fashion --epochs 4 "$@" 2>/dev/null | sed -n 's/.*"sec_per_epoch":\([0-9.]*\).*/\1/p'; }
median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "campaign: $campaign (16 trials), $runs run(s)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# the ratios are per run (each run's two campaigns ran minutes apart), their median printed at the end
parallels=() t2s=() t1s=() c2s=() c1s=() launch_ratios=() campaign_ratios=() p99s=()
for r in $(seq 1 "$runs"); do
    b1="$(sec_per_epoch --trials 1)"
    b2="$(sec_per_epoch --trials 2)"
    parallel="$(awk -v a="$b1" -v b="$b2" 'BEGIN { printf "%.2f", 2 * a / b }')"
    t2="$(run 2)"
    t1="$(run 1)"
    c2="$(cat "$out/campaign-seconds-2.txt")"
    c1="$(cat "$out/campaign-seconds-1.txt")"
    p99="$(awk '$1 == "dispatch_latency" { print $5 }' "$out/results-2.txt")"
    for n in 1 2; do cp "$out/results-$n.txt" "$out/results-$n-run-$r.txt"; cp "$out/table-$n.txt" "$out/table-$n-run-$r.txt"; done
    parallels+=("$parallel") t2s+=("$t2") t1s+=("$t1") c2s+=("$c2") c1s+=("$c1") p99s+=("$p99")
    launch_ratios+=("$(ratio "$t2" "$t1")") campaign_ratios+=("$(ratio "$c2" "$c1")")
    printf 'run %d: two training threads %s x one (bench --trials 2 vs 1: %s and %s s/epoch); campaign on the coordinator 2 / 1 workers %.1f / %.1f s = %s; launch %.1f / %.1f s = %s; dispatch p99 %s ms\n' \
        "$r" "$parallel" "$b2" "$b1" "$c2" "$c1" "${campaign_ratios[-1]}" "$t2" "$t1" "${launch_ratios[-1]}" "$p99"
done

printf 'medians over %d run(s):\n' "$runs"
printf 'two training threads on this machine: %.2f x the throughput of one\n' "$(median "${parallels[@]}")"
printf 'wall time of hpsearch launch, 2 worker JVMs: %.1f s, 1 worker JVM: %.1f s, ratio %.2f\n' \
    "$(median "${t2s[@]}")" "$(median "${t1s[@]}")" "$(median "${launch_ratios[@]}")"
printf 'campaign wall time on the coordinator (submitted to completed), 2 workers: %.1f s, 1 worker: %.1f s, ratio %.2f (target <= 0.6)\n' \
    "$(median "${c2s[@]}")" "$(median "${c1s[@]}")" "$(median "${campaign_ratios[@]}")"
printf 'dispatch latency p99 (2 workers, coordinator histogram): %.3f ms, the largest of the runs %s ms (target < 10 ms)\n' \
    "$(median "${p99s[@]}")" "$(printf '%s\n' "${p99s[@]}" | sort -g | tail -1)"
echo "tables and --stats in $out"

# with the coordinator's JIT setting (deploy/bin/hpsearch runs it C1-compiled)
bench="$("$java_bin" -XX:TieredStopAtLevel=1 -cp "$jar" io.hpsearch.coordinator.bench.DispatchBench --workers 50 2>/dev/null | tail -1)"
echo "$bench" > "$out/dispatch-bench.json"
echo "DispatchBench --workers 50: $bench"
printf 'dispatches/s with 50 simulated workers: %s (target >= 500)\n' \
    "$(echo "$bench" | sed -n 's/.*"dispatches_per_second":\([0-9.]*\).*/\1/p')"
