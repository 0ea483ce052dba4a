#!/usr/bin/env bash
# Rebuilds orderbook-O0.wasm and orderbook-O2.wasm from src/ (an order book fed with parsed text commands) with
# Debian's rustc 1.63 for wasm32-unknown-unknown, with DWARF (-g), at opt-level 0 and 2. The .wasm files are committed.
#
# Needs (Debian/Ubuntu): apt-get install -y rustc libstd-rust-dev-wasm32
# /usr/bin/rustc on purpose: a rustup toolchain earlier on the PATH may lack the wasm32 standard library.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

RUSTC=${RUSTC:-/usr/bin/rustc}
for level in 0 2; do
  # Source paths in the DWARF are /orderbook/src/*.rs, wherever the repository is.
  "$RUSTC" --edition 2021 --crate-type cdylib --crate-name orderbook --target wasm32-unknown-unknown \
    -g -C opt-level=$level --remap-path-prefix "$(pwd)"=/orderbook src/lib.rs -o orderbook-O$level.wasm
done
ls -l orderbook-O0.wasm orderbook-O2.wasm
