#!/usr/bin/env bash
# Two settings of the cluster's JVMs against each other, in pairs of runs: each pair runs the 16-trial
# Fashion-MNIST campaign deploy/bench/fashion-mnist-16.conf on deploy/local-cluster.sh N (N worker JVMs,
# 1 slot x 1 thread each, started with --preload; a fresh coordinator, journal and workers each time),
# watched by `hpsearch launch` as cluster-figures.sh does, first with setting A, then with setting B.
# Prints each pair's campaign seconds (submitted to completed, from the journal), the medians and in
# how many pairs B was faster. A campaign on this machine varies by a second or more from run to run,
# so two settings are only told apart run against run, minutes apart at most.
# Usage: deploy/bench/campaign-pairs.sh PAIRS "JAVA_OPTS_A" "JAVA_OPTS_B" [N]   (N default 2)
#   each setting is passed as HPSEARCH_JAVA_OPTS to every JVM of its runs (client included), e.g.
#   "" against "-Dconfig.file=/tmp/other.conf"; needs the built jar and Fashion-MNIST (scripts/setup.sh).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ "$#" -lt 3 ]; then
    echo "usage: $0 PAIRS \"JAVA_OPTS_A\" \"JAVA_OPTS_B\" [N]" >&2
    exit 2
fi
pairs="$1" opts_a="$2" opts_b="$3" n="${4:-2}"
export HPSEARCH_CLUSTER_DIR="${HPSEARCH_FIGURES_DIR:-$repo_dir/runs/campaign-pairs}/workers-$n"
export HPSEARCH_WORKER_OPTS="$campaign_worker_opts"

one_run() { # JAVA_OPTS: the campaign's seconds with that setting
    export HPSEARCH_JAVA_OPTS="$1"
    fresh_cluster "$n"
    "$deploy_dir/bin/hpsearch" launch "$campaign" --join "127.0.0.1:$(cluster_port)" > /dev/null 2>&1
    stop_cluster
    unset HPSEARCH_JAVA_OPTS
    campaign_seconds
}

as=() bs=()
for i in $(seq 1 "$pairs"); do
    a="$(one_run "$opts_a")"
    b="$(one_run "$opts_b")"
    as+=("$a") bs+=("$b")
    echo "pair $i: A $a s, B $b s"
done
python3 - "${as[*]}" "${bs[*]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
faster = sum(1 for x, y in zip(a, b) if y < x)
print(f"campaign seconds, medians of {len(a)} pairs: A {statistics.median(a):.2f}, B {statistics.median(b):.2f}; "
      f"B faster in {faster} of {len(a)}")
PY
