#!/usr/bin/env bash
# Re-runs the figures README gives for the network core:
#   1. gradient check (max relative error) for 1–4 hidden layers, BN before/after ReLU and no BN;
#   2. the Fashion-MNIST recipe: [50,50], BN, He, λ = 0.005, CLR 1e-5…1e-1, n_s = 5 epochs, 2 cycles;
#   3. nine layers [50,30,20,20,10,10,10,10] with and without BN, same recipe.
# Usage: scripts/figures-core.sh [OUT_DIR]   (needs the jar: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/figures-core}
mkdir -p "$out"
hp=deploy/bin/hpsearch

echo "## gradient check (20 samples, 20 dims, λ = 0.01, h = 1e-5)"
printf '| hidden | BN before ReLU | BN after ReLU | no BN |\n| --- | --- | --- | --- |\n'
for hidden in 50 50,50 50,50,50 50,50,50,50; do
    row="| $hidden |"
    for bn in "--bn before" "--bn after" "--no-bn"; do
        v=$($hp gradcheck --hidden "$hidden" $bn | tail -n 1 | cut -d= -f2)
        row="$row $v |"
    done
    echo "$row"
done

recipe=(--dataset fashion-mnist --lambda 0.005 --eta-min 1e-5 --eta-max 1e-1 --cycles 2 --step-epochs 5
        --batch 100 --val 5000 --seed 1)
acc() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f\"{r['test_acc']:.4f} {r['val_acc']:.4f} {r['status']} {r['seconds']:.0f}\")" "$1"; }

echo
echo "## Fashion-MNIST, 20 epochs (test_acc val_acc status seconds)"
$hp train "${recipe[@]}" --hidden 50,50 --out "$out/fashion-50-50-bn" > "$out/fashion-50-50-bn.log" 2>&1
echo "[50,50] BN:            $(acc "$out/fashion-50-50-bn/result.json")"
$hp train "${recipe[@]}" --hidden 50,30,20,20,10,10,10,10 --out "$out/fashion-9layer-bn" > "$out/fashion-9layer-bn.log" 2>&1
echo "9 layers, BN:          $(acc "$out/fashion-9layer-bn/result.json")"
$hp train "${recipe[@]}" --hidden 50,30,20,20,10,10,10,10 --no-bn --out "$out/fashion-9layer-nobn" > "$out/fashion-9layer-nobn.log" 2>&1
echo "9 layers, no BN:       $(acc "$out/fashion-9layer-nobn/result.json")"
