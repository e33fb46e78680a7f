#!/usr/bin/env bash
# A real multi-process hpsearch cluster on this machine: one coordinator JVM and N worker JVMs on
# 127.0.0.1, started in the background, logs and pid files in one folder.
#
#   deploy/local-cluster.sh [N]      start a coordinator and N workers (default 2), then return
#   deploy/local-cluster.sh stop     stop them (also: kill the pids in $dir/pids)
#
# A process that ends while the cluster starts (a bad option, a port in use) stops the start at
# once: the script shows the end of its log, stops the others and exits with its exit code (2 for
# a user error).
#
# Environment:
#   HPSEARCH_CLUSTER_DIR   folder of logs and pids (default: runs/local-cluster in the repository)
#   HPSEARCH_PORT          coordinator port (default: the first free port from 25520)
#   HPSEARCH_STATE_DIR     the coordinator's --state-dir (default: $dir/state; it is kept across
#                          stop and start, so a restarted cluster carries on with its campaigns)
#   HPSEARCH_WORKER_OPTS   extra worker options (default: "--slots 1 --threads-per-trial 1"; not --host,
#                          --port or --join, which the script sets)
#   HPSEARCH_WORKER_NICE   niceness of the worker processes (default: 10, below the coordinator)
#   HPSEARCH_WORKER_PIN    on (default): with 2 or more workers whose trial threads (slots x threads
#                          per trial each) fit the CPUs this script may use, each worker runs on
#                          CPUs of its own (taskset); off: the OS places them
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
# shellcheck disable=SC2206  # split on spaces on purpose
worker_opts=(${HPSEARCH_WORKER_OPTS:---slots 1 --threads-per-trial 1})
for opt in "${worker_opts[@]}"; do
    case "$opt" in
        --host|--host=*|--port|--port=*|--join|--join=*)
            # the script gives every worker these itself, and the worker would refuse the second one
            # as "specified only once", after the coordinator had started
            echo "HPSEARCH_WORKER_OPTS: ${opt%%=*} is set by this script (workers on 127.0.0.1, each on a free port," \
                "joining its coordinator); leave it out" >&2
            exit 2 ;;
    esac
done
case "${HPSEARCH_WORKER_PIN:-on}" in
    on|off) ;;
    *) echo "HPSEARCH_WORKER_PIN must be on or off, got '${HPSEARCH_WORKER_PIN}'" >&2; exit 2 ;;
esac

# The CPUs this script may use (its affinity), one per word.
allowed_cpus() {
    local list range c
    list="$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status 2>/dev/null || true)"
    IFS=',' read -ra ranges <<< "$list"
    for range in "${ranges[@]}"; do
        if [[ "$range" == *-* ]]; then
            for c in $(seq "${range%-*}" "${range#*-}"); do echo "$c"; done
        elif [ -n "$range" ]; then
            echo "$range"
        fi
    done
}

# Trial threads of one worker: --slots x --threads-per-trial, the slots by default as many as the
# CPUs hold; 0 when the options do not say (the worker itself refuses bad values).
worker_threads() { # CPU_COUNT
    local opt prev="" slots="" threads=1
    for opt in "${worker_opts[@]}"; do
        case "$prev" in --slots) slots="$opt" ;; --threads-per-trial) threads="$opt" ;; esac
        case "$opt" in --slots=*) slots="${opt#*=}" ;; --threads-per-trial=*) threads="${opt#*=}" ;; esac
        prev="$opt"
    done
    [[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo 0; return; }
    if [ -z "$slots" ]; then slots=$(($1 / threads)); [ "$slots" -ge 1 ] || slots=1; fi
    [[ "$slots" =~ ^[1-9][0-9]*$ ]] || { echo 0; return; }
    echo $((slots * threads))
}

# Worker i's CPUs (a taskset list), or none: on the 2-vCPU machine of README's figures, two
# 1-slot workers each on a CPU of their own finished the 16-trial campaign faster in 9 of 10
# interleaved pairs (medians 7.47-7.54 s against 7.94-8.42 s), as the OS no longer moves a training
# thread between CPUs, away from its caches, when the JVMs' other threads wake. A lone worker is
# left to the OS: it has no other worker to keep off its CPU, and pinned it could not move away
# from a vCPU the host slows down.
worker_cpus=()
if [ "${HPSEARCH_WORKER_PIN:-on}" = on ] && command -v taskset > /dev/null; then
    mapfile -t cpus < <(allowed_cpus)
    need="$(worker_threads "${#cpus[@]}")"
    if [ "$n" -ge 2 ] && [ "$need" -ge 1 ] && [ $((need * n)) -le "${#cpus[@]}" ]; then
        for i in $(seq 1 "$n"); do
            list="$(printf '%s\n' "${cpus[@]:$(((i - 1) * need)):$need}" | paste -sd, -)"
            worker_cpus+=("$list")
        done
    fi
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

# The processes started so far, "pid log" each, in the order of $pids.
started=()

# Fails if a process started so far has ended: each of them runs until stopped, and one that ended
# (a bad option, a port in use) will not come up however long it is waited for. Returns its exit
# code (2 for a user error), after the end of its log, which says why.
check_started() {
    local entry pid log code
    for entry in "${started[@]}"; do
        pid="${entry%% *}"
        log="${entry#* }"
        kill -0 "$pid" 2>/dev/null && continue
        code=0
        wait "$pid" || code=$?
        echo "$(basename "$log" .log) (pid $pid) ended with exit code $code; the end of $log:" >&2
        tail -20 "$log" >&2
        # the command's own message (what was wrong), which Akka's logging as the node stopped may
        # have pushed out of the tail
        if ! tail -20 "$log" | grep -q '^hpsearch: '; then grep '^hpsearch: ' "$log" >&2 || true; fi
        [ "$code" = 0 ] && code=1
        return "$code"
    done
}

wait_for() { # file text seconds
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        check_started || return $?
        sleep 0.1
    done
    echo "no '$2' in $1 after $3 s:" >&2
    tail -20 "$1" >&2
    return 1
}

state="${HPSEARCH_STATE_DIR:-$dir/state}"
"$hpsearch" coordinator --host 127.0.0.1 --port "$port" --state-dir "$state" > "$dir/coordinator.log" 2>&1 &
echo $! >> "$pids"
started+=("$! $dir/coordinator.log")
wait_for "$dir/coordinator.log" "coordinator up at" 60

for i in $(seq 1 "$n"); do
    # Workers train flat out; at a lower priority they leave the coordinator (and launch) the CPU
    # the moment those need it, so leases are not held up behind a training thread's time slice.
    pin=()
    [ "${#worker_cpus[@]}" -gt 0 ] && pin=(taskset -c "${worker_cpus[$((i - 1))]}")
    nice -n "${HPSEARCH_WORKER_NICE:-10}" "${pin[@]}" \
        "$hpsearch" worker --host 127.0.0.1 --port 0 --join "127.0.0.1:$port" "${worker_opts[@]}" > "$dir/worker-$i.log" 2>&1 &
    echo $! >> "$pids"
    started+=("$! $dir/worker-$i.log")
done
for i in $(seq 1 "$n"); do
    # in the cluster and talking to the coordinator (after any --preload)
    wait_for "$dir/worker-$i.log" "coordinator found" 180
done
trap - ERR
echo "$port" > "$dir/port"

# The commands below name the launcher, the example campaign and this script by paths that work
# in the directory this script was started from: relative to it when the repository is below it
# (deploy/bin/hpsearch from the repository's folder), else absolute. The stop command names the
# cluster's folder when it is not the default one.
here="$(pwd -P)"
case "$deploy_dir" in
    "$here") shown=. ;;
    "$here"/*) shown="${deploy_dir#"$here"/}" ;;
    *) shown="$deploy_dir" ;;
esac
stop_command="$shown/local-cluster.sh stop"
[ -n "${HPSEARCH_CLUSTER_DIR:-}" ] && stop_command="HPSEARCH_CLUSTER_DIR=$(printf %q "$dir") $stop_command"

if [ "${#worker_cpus[@]}" -gt 0 ]; then
    placement=""
    for i in $(seq 1 "$n"); do
        list="${worker_cpus[$((i - 1))]}"
        cpu=CPU
        [[ "$list" == *,* ]] && cpu=CPUs
        placement+="${placement:+, }worker-$i on $cpu $list"
    done
    placement+=" (HPSEARCH_WORKER_PIN=off lets the OS place them)"
else
    placement="placed by the OS"
fi

cat <<MSG
hpsearch cluster: coordinator on 127.0.0.1:$port, $n worker(s); logs and pids in $dir
  CPUs:    $placement
  launch:  $shown/bin/hpsearch launch $shown/campaigns/fashion-mnist-quick.conf --join 127.0.0.1:$port
  watch:   $shown/bin/hpsearch watch --join 127.0.0.1:$port     (follows a campaign launched with --detach)
  results: $shown/bin/hpsearch results --join 127.0.0.1:$port --stats
  status:  $shown/bin/hpsearch status --join 127.0.0.1:$port
  stop:    $stop_command
MSG
