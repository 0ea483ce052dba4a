#!/usr/bin/env bash
# Rebuilds branches.wasm from branches.c (the .wasm is committed, so the tests need no C toolchain): wasm32, no libc,
# DWARF 4 line tables (-g), no optimization (-O0, so every source line keeps its own code; no wasm-opt either).
# Source paths in the DWARF are mapped to /coverage-fixtures, so the output does not depend on where the repository is
# checked out. Needs clang-14 and lld-14 (apt-get install -y clang-14 lld-14).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
clang-14 --target=wasm32 -g -O0 -nostdlib -fuse-ld=lld -fdebug-prefix-map="$(pwd)=/coverage-fixtures" \
  -Wl,--no-entry -Wl,--export=classify -Wl,--export=sum_to -Wl,--export=never_called \
  -o branches.wasm branches.c
echo "wrote $(pwd)/branches.wasm"
