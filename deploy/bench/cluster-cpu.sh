#!/usr/bin/env bash
# Where a campaign's CPU goes: runs the 16-trial Fashion-MNIST campaign deploy/bench/fashion-mnist-16.conf
# on deploy/local-cluster.sh N (N worker JVMs, 1 slot x 1 thread each, started with --preload), then
# prints the campaign's wall time on the coordinator (from the journal), each worker's trial durations
# in order, and the CPU seconds each kind of thread of each process (coordinator first) used between
# the submission and the campaign's completion, from /proc/PID/task/*/stat (threads of the same name
# but for digits are added up, e.g. all "C2 CompilerThread"s).
# Usage: deploy/bench/cluster-cpu.sh [N]   (default 2; needs the built jar and Fashion-MNIST)
# Environment: HPSEARCH_JAVA_OPTS is passed to every JVM (e.g. -Dconfig.file=... to try settings).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-2}"
export HPSEARCH_CLUSTER_DIR="${HPSEARCH_FIGURES_DIR:-$repo_dir/runs/cluster-cpu}/workers-$n"
export HPSEARCH_WORKER_OPTS="$campaign_worker_opts"

# CPU ticks by process and thread kind: "pid kind ticks" lines
cpu_ticks() {
    python3 - "$@" <<'PY'
import collections, os, sys
for pid in sys.argv[1:]:
    ticks = collections.Counter()
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        kind = ''.join(c for c in name if not c.isdigit()).replace(' ', '_')
        ticks[kind] += int(fields[11]) + int(fields[12])  # utime + stime
    for kind, t in ticks.items():
        print(pid, kind, t)
PY
}

fresh_cluster "$n"
port="$(cluster_port)"
mapfile -t pids < "$HPSEARCH_CLUSTER_DIR/pids"
before="$(cpu_ticks "${pids[@]}")"
"$deploy_dir/bin/hpsearch" launch "$campaign" --join "127.0.0.1:$port" --detach > /dev/null 2>&1
until grep -q "campaign fashion-mnist-16 completed" "$HPSEARCH_CLUSTER_DIR/coordinator.log"; do sleep 0.1; done
after="$(cpu_ticks "${pids[@]}")"
stop_cluster

echo "campaign on $n worker JVM(s): $("$java_bin" -cp "$jar" io.hpsearch.coordinator.bench.CampaignTimes "$HPSEARCH_CLUSTER_DIR/state")"
for log in "$HPSEARCH_CLUSTER_DIR"/worker-*.log; do
    # a trial's "starting" line and its result line, in order
    grep -E "starting|TRIAL_STATUS" "$log" | awk '{print $1}' | python3 -c '
import sys
def sec(t):
    h, m, s = t.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
ts = [l.strip() for l in sys.stdin]
print(sys.argv[1] + ": trial seconds", [round(sec(ts[i + 1]) - sec(ts[i]), 2) for i in range(0, len(ts) - 1, 2)])
' "$(basename "$log")"
done
echo "CPU seconds from submission to completion, by process and thread kind (0.05 s and more):"
python3 - <(echo "$before") <(echo "$after") "$(getconf CLK_TCK)" <<'PY'
import sys
before = {}
for line in open(sys.argv[1]):
    pid, kind, t = line.split()
    before[(pid, kind)] = int(t)
hz = int(sys.argv[3])
for line in open(sys.argv[2]):
    pid, kind, t = line.split()
    d = (int(t) - before.get((pid, kind), 0)) / hz
    if d >= 0.05:
        print(f"  {pid} {kind:<20} {d:.2f}")
PY
