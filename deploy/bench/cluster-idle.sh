#!/usr/bin/env bash
# What an idle cluster costs each JVM: starts deploy/local-cluster.sh N (a coordinator and N workers),
# waits for it to settle, then prints for each process (coordinator first) how often its Akka threads
# (dispatchers, remoting, scheduler) were woken over the next SECONDS (voluntary context switches, from
# /proc/PID/task/*/status) and the CPU seconds they used (utime + stime, from .../stat).
# Usage: deploy/bench/cluster-idle.sh [N] [SECONDS]   (defaults 2 and 10; needs the built jar)
# Environment: HPSEARCH_JAVA_OPTS is passed to every JVM (e.g. -Dconfig.file=... to try settings).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-2}"
seconds="${2:-10}"
export HPSEARCH_CLUSTER_DIR="${HPSEARCH_FIGURES_DIR:-$repo_dir/runs/cluster-idle}/workers-$n"

# "pid wake-ups cpu-ticks" of the Akka threads of each process
akka_counters() {
    python3 - "$@" <<'PY'
import os, sys
for pid in sys.argv[1:]:
    wakeups = ticks = 0
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
            status = open(f'/proc/{pid}/task/{tid}/status').read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        if 'akka' not in name and 'schedu' not in name:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        ticks += int(fields[11]) + int(fields[12])
        wakeups += int(next(l for l in status.splitlines() if l.startswith('voluntary_ctxt_switches')).split()[1])
    print(pid, wakeups, ticks)
PY
}

fresh_cluster "$n"
sleep 20 # joined, coordinator found, start-up compilation mostly done
mapfile -t pids < "$HPSEARCH_CLUSTER_DIR/pids"
before="$(akka_counters "${pids[@]}")"
sleep "$seconds"
after="$(akka_counters "${pids[@]}")"
python3 - <(echo "$before") <(echo "$after") "$seconds" "$(getconf CLK_TCK)" <<'PY'
import sys
before = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1])}
seconds, hz = float(sys.argv[3]), int(sys.argv[4])
for line in open(sys.argv[2]):
    pid, w, t = line.split()
    w0, t0 = before[pid]
    print(f"pid {pid}: Akka threads woken {(int(w) - int(w0)) / seconds:.0f} times a second, "
          f"{(int(t) - int(t0)) / hz:.2f} s of CPU in {seconds:g} s")
PY
