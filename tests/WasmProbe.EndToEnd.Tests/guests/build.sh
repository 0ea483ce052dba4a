#!/usr/bin/env bash
# Rebuilds the checked-in guest binaries from their .wat sources (needs wabt: apt-get install -y wabt; a wabt without
# try_table or GC cannot build throws.wat or exits.wat: Wasmtime.Module.ConvertText, which the tests use for inline
# guests, can) and plugin.wasm
# from plugin.c (needs clang-14 and lld-14).
# After a rebuild, re-check the pcs the probes use against `wasm-objdump -d <guest>.wasm`.
# sort-O0.wasm and sort-O2.wasm are copies of examples/CGuest/guest's (sort.c with DWARF, built by its build.sh with
# clang-14): after rebuilding those, copy them here and re-check the [BreakAtLine] probes and the pinned messages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for wat in *.wat; do
  wat2wasm --debug-names --enable-all "$wat" -o "${wat%.wat}.wasm"
done
# Compiled and linked in two steps: linked by the clang driver in one, the line table lost its rows.
clang-14 --target=wasm32 -O1 -g -c -o plugin.o plugin.c
wasm-ld-14 --no-entry -o plugin.wasm plugin.o
rm plugin.o
