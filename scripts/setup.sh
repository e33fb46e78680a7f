#!/usr/bin/env bash
# Installs what hpsearch needs beyond a JDK 17 and Maven: the Fashion-MNIST data set from Debian
# (used by the tests that learn from real data, and by the default campaign).
set -euo pipefail

FASHION_DIR=/usr/share/datasets/fashion-mnist

need_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ] && [ ! -f "$FASHION_DIR/train-images-idx3-ubyte" ]; then
    echo "setup: installing dataset-fashion-mnist (Debian package) into $FASHION_DIR" >&2
    need_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist
fi
ls "$FASHION_DIR" >/dev/null
