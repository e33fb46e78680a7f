# What the cluster scripts of deploy/bench share; sourced, not run. After it, a script has
# deploy_dir, repo_dir, the 16-trial campaign of the cluster figures ($campaign), the jar and java
# ($jar, $java_bin), and the functions below. Each script sets HPSEARCH_CLUSTER_DIR (and, for the
# campaign's workers, HPSEARCH_WORKER_OPTS) before it starts a cluster.

deploy_dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_dir="$(dirname "$deploy_dir")"
campaign="$deploy_dir/bench/fashion-mnist-16.conf"
jar="${HPSEARCH_JAR:-$deploy_dir/target/hpsearch.jar}"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java_bin="$JAVA_HOME/bin/java"; else java_bin=java; fi

# The campaign's workers: 1 slot x 1 thread each, data loaded and training code compiled before
# they join.
campaign_worker_opts="--slots 1 --threads-per-trial 1 --preload $campaign"

# A fresh cluster of a coordinator (with an empty journal: the same campaign is submitted every
# time) and N workers from deploy/local-cluster.sh, stopped when the script exits; its output to
# the file given, if any.
fresh_cluster() { # N [OUTPUT_FILE]
    "$deploy_dir/local-cluster.sh" stop > /dev/null
    rm -rf "$HPSEARCH_CLUSTER_DIR/state"
    "$deploy_dir/local-cluster.sh" "$1" > "${2:-/dev/null}"
    trap stop_cluster EXIT
}

stop_cluster() {
    "$deploy_dir/local-cluster.sh" stop > /dev/null
    trap - EXIT
}

cluster_port() {
    cat "$HPSEARCH_CLUSTER_DIR/port"
}

# The campaign's wall time on the coordinator (submitted to completed, from the journal), in seconds.
campaign_seconds() {
    "$java_bin" -cp "$jar" io.hpsearch.coordinator.bench.CampaignTimes "$HPSEARCH_CLUSTER_DIR/state" \
        | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p'
}
