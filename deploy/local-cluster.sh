#!/usr/bin/env bash
# A real multi-process hpsearch cluster on this machine: one coordinator JVM and N worker JVMs on
# 127.0.0.1, started in the background, logs and pid files in one folder.
#
#   deploy/local-cluster.sh [N]      start a coordinator and N workers (default 2), then return
#   deploy/local-cluster.sh stop     stop them (also: kill the pids in $dir/pids)
#
# Environment:
#   HPSEARCH_CLUSTER_DIR   folder of logs and pids (default: runs/local-cluster in the repository)
#   HPSEARCH_PORT          coordinator port (default: the first free port from 25520)
#   HPSEARCH_STATE_DIR     the coordinator's --state-dir (default: $dir/state; it is kept across
#                          stop and start, so a restarted cluster carries on with its campaigns)
#   HPSEARCH_WORKER_OPTS   extra worker options (default: "--slots 1 --threads-per-trial 1")
#   HPSEARCH_WORKER_NICE   niceness of the worker processes (default: 10, below the coordinator)
#   HPSEARCH_JAR, JAVA_HOME, HPSEARCH_JAVA_OPTS  as for deploy/bin/hpsearch
set -euo pipefail

deploy_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$deploy_dir")"
hpsearch="$deploy_dir/bin/hpsearch"
dir="${HPSEARCH_CLUSTER_DIR:-$repo_dir/runs/local-cluster}"
pids="$dir/pids"

stop() {
    [ -f "$pids" ] || { echo "no cluster running from $dir"; return 0; }
    # workers first, so that they leave while the coordinator is still there
    tac "$pids" | while read -r pid; do
        kill "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        alive=0
        while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$pids"
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$pids"
    rm -f "$pids" "$dir/port"
    echo "cluster in $dir stopped"
}

if [ "${1:-}" = stop ]; then
    stop
    exit 0
fi

n="${1:-2}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ]; then
    echo "usage: $0 [N] | stop   (N = number of workers, at least 1)" >&2
    exit 2
fi
if [ -f "$pids" ]; then
    echo "a cluster from $dir seems to run already (pids in $pids); stop it with: $0 stop" >&2
    exit 2
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${HPSEARCH_PORT:-}"
if [ -z "$port" ]; then
    port=25520
    while port_in_use "$port"; do port=$((port + 1)); done
fi

mkdir -p "$dir"
: > "$pids"
# If starting fails half-way, stop what did start.
trap 'echo "start-up failed; stopping what was started" >&2; stop' ERR

wait_for() { # file text seconds
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "no '$2' in $1 after $3 s:" >&2
    tail -20 "$1" >&2
    return 1
}

state="${HPSEARCH_STATE_DIR:-$dir/state}"
"$hpsearch" coordinator --host 127.0.0.1 --port "$port" --state-dir "$state" > "$dir/coordinator.log" 2>&1 &
echo $! >> "$pids"
wait_for "$dir/coordinator.log" "coordinator up at" 60

# shellcheck disable=SC2206  # split on spaces on purpose
worker_opts=(${HPSEARCH_WORKER_OPTS:---slots 1 --threads-per-trial 1})
for i in $(seq 1 "$n"); do
    # Workers train flat out; at a lower priority they leave the coordinator (and launch) the CPU
    # the moment those need it, so leases are not held up behind a training thread's time slice.
    nice -n "${HPSEARCH_WORKER_NICE:-10}" \
        "$hpsearch" worker --host 127.0.0.1 --port 0 --join "127.0.0.1:$port" "${worker_opts[@]}" > "$dir/worker-$i.log" 2>&1 &
    echo $! >> "$pids"
done
for i in $(seq 1 "$n"); do
    # in the cluster and talking to the coordinator (after any --preload)
    wait_for "$dir/worker-$i.log" "coordinator found" 180
done
trap - ERR
echo "$port" > "$dir/port"

cat <<MSG
hpsearch cluster: coordinator on 127.0.0.1:$port, $n worker(s); logs and pids in $dir
  launch:  deploy/bin/hpsearch launch deploy/campaigns/fashion-mnist-quick.conf --join 127.0.0.1:$port
  watch:   deploy/bin/hpsearch watch --join 127.0.0.1:$port     (follows a campaign launched with --detach)
  results: deploy/bin/hpsearch results --join 127.0.0.1:$port --stats
  status:  deploy/bin/hpsearch status --join 127.0.0.1:$port
  stop:    $0 stop
MSG
