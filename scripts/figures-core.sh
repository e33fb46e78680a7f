#!/usr/bin/env bash
# Re-runs the figures README gives for the network core:
#   1. gradient check (max relative error) for 1–4 hidden layers, BN before/after ReLU and no BN;
#   2. the Fashion-MNIST recipe: [50,50], BN, He, λ = 0.005, CLR 1e-5…1e-1, n_s = 5 epochs, 2 cycles,
#      on the reference (double) core and on the fast (float32) core;
#   3. nine layers [50,30,20,20,10,10,10,10] with and without BN, same recipe, reference core.
# Usage: scripts/figures-core.sh [OUT_DIR]   (needs the jar: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/figures-core}
mkdir -p "$out"
hp=deploy/bin/hpsearch

echo "## gradient check: max relative error over seeds 1-3 (20 samples, 20 dims, λ = 0.01)"
printf '| hidden | BN before ReLU | BN after ReLU | no BN |\n| --- | --- | --- | --- |\n'
for hidden in 50 50,50 50,50,50 50,50,50,50; do
    row="| $hidden |"
    for bn in "--bn before" "--bn after" "--no-bn"; do
        worst=0
        for seed in 1 2 3; do
            v=$($hp gradcheck --hidden "$hidden" $bn --seed "$seed" | tail -n 1 | cut -d= -f2) || true
            worst=$(python3 -c "print(max(float('$worst'), float('$v')))")
        done
        row="$row $(printf '%.1e' "$worst") |"
    done
    echo "$row"
done

recipe=(--dataset fashion-mnist --lambda 0.005 --eta-min 1e-5 --eta-max 1e-1 --cycles 2 --step-epochs 5
        --batch 100 --val 5000)
acc() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f\"{r['test_acc']:.4f} {r['val_acc']:.4f} {r['status']} {r['seconds']:.0f}\")" "$1"; }

echo
echo "## Fashion-MNIST, 20 epochs (test_acc val_acc status seconds)"
$hp train "${recipe[@]}" --engine reference --seed 1 --hidden 50,50 --out "$out/fashion-50-50-bn" > "$out/fashion-50-50-bn.log" 2>&1
echo "[50,50] BN:            $(acc "$out/fashion-50-50-bn/result.json")"
$hp train "${recipe[@]}" --engine fast --seed 1 --hidden 50,50 --out "$out/fashion-50-50-bn-fast" > "$out/fashion-50-50-bn-fast.log" 2>&1
echo "[50,50] BN, fast core: $(acc "$out/fashion-50-50-bn-fast/result.json")"
echo
echo "## nine layers [50,30,20,20,10,10,10,10], same recipe, seeds 1-3 (test_acc val_acc status seconds)"
for seed in 1 2 3; do
    for bn in bn nobn; do
        flag=(); [ "$bn" = nobn ] && flag=(--no-bn)
        dir="$out/fashion-9layer-$bn-seed$seed"
        $hp train "${recipe[@]}" --engine reference --seed "$seed" --hidden 50,30,20,20,10,10,10,10 "${flag[@]}" --out "$dir" > "$dir.log" 2>&1
        echo "9 layers, $bn, seed $seed: $(acc "$dir/result.json")"
    done
done
