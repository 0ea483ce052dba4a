#!/usr/bin/env bash
# Rebuilds the checked-in guest binaries from their .wat sources (needs wabt: apt-get install -y wabt).
# After a rebuild, re-check the pcs the probes use against `wasm-objdump -d <guest>.wasm`.
# sort-O0.wasm and sort-O2.wasm are copies of examples/CGuest/guest's (sort.c with DWARF, built by its build.sh with
# clang-14): after rebuilding those, copy them here and re-check the [BreakAtLine] probes and the pinned messages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for wat in *.wat; do
  wat2wasm --debug-names --enable-all "$wat" -o "${wat%.wat}.wasm"
done
