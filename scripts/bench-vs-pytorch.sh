#!/usr/bin/env bash
# Times the fast core against the PyTorch reference of ../shared/bench in one run, on the same
# machine, and prints a Markdown table with the ratios. Installs PyTorch, NumPy and OpenBLAS
# (pthread build) from Debian if they are missing. Needs the built jar (mvn -q -DskipTests package).
# Usage: scripts/bench-vs-pytorch.sh [EPOCHS]   (default 5; medians over the epochs, ours after the
# bench's 2 untimed warm-up epochs, while the JIT compiles the kernels)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
reference=../shared/bench/reference_mlp.py
[ -f "$reference" ] || { echo "bench-vs-pytorch: $reference not found" >&2; exit 2; }
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo
    $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy libopenblas0-pthread >&2
fi

field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])" "$1"; }
# our bench's JSON line; then a field of it
ours() { deploy/bin/hpsearch bench --epochs "$epochs" "$@" 2>/dev/null | tail -1; }
torch() { OMP_NUM_THREADS=$1 /usr/bin/python3 "$reference" --impl torch --threads "$1" --epochs "$epochs" --dims "$2" 2>/dev/null | field sec_per_epoch_median; }
ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }

# Each CPU alone, one thread pinned to it: on a virtual machine one vCPU can be much slower than
# another (sharing a physical core on the host), which caps every two-thread figure below.
if command -v taskset >/dev/null 2>&1; then
    for cpu in $(seq 0 $(($(nproc) - 1))); do
        echo "CPU $cpu alone, fashion, 1 thread: $(taskset -c "$cpu" deploy/bin/hpsearch bench --epochs "$epochs" --shape fashion --threads 1 2>/dev/null | field sec_per_epoch) s/epoch"
    done
    echo
fi

# The speed-up of two threads is given twice: from the median epochs, and from the median steps
# (an epoch is 450-550 steps; a few long ones, a late JIT compile or a vCPU held by the host, slow
# its epoch but not the median step).
echo "| shape | PyTorch 1 thread (s/epoch) | hpsearch 1 thread | ratio | hpsearch 2 threads | speed-up 2 vs 1 (epochs) | step median 1 / 2 threads (µs) | speed-up 2 vs 1 (steps) | 2 trials × 1 thread (s/epoch each) | throughput 2 trials vs 1 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for shape in fashion cifar; do
    t_torch=$(torch 1 "$shape")
    j1=$(ours --shape "$shape" --threads 1)
    j2=$(ours --shape "$shape" --threads 2)
    jk=$(ours --shape "$shape" --threads 1 --trials 2)
    t1=$(echo "$j1" | field sec_per_epoch); s1=$(echo "$j1" | field step_us_median)
    t2=$(echo "$j2" | field sec_per_epoch); s2=$(echo "$j2" | field step_us_median)
    tk=$(echo "$jk" | field sec_per_epoch)
    echo "| $shape | $t_torch | $t1 | $(ratio "$t1" "$t_torch") | $t2 | $(ratio "$t1" "$t2") | $s1 / $s2 | $(ratio "$s1" "$s2") | $tk | $(python3 -c "print(f'{2 * float(\"$t1\") / float(\"$tk\"):.2f}')") |"
done
