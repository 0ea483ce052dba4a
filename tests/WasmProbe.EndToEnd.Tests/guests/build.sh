#!/usr/bin/env bash
# Rebuilds the checked-in guest binaries from their .wat sources (needs wabt: apt-get install -y wabt).
# After a rebuild, re-check the pcs the probes use against `wasm-objdump -d <guest>.wasm`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for wat in *.wat; do
  wat2wasm --debug-names --enable-all "$wat" -o "${wat%.wat}.wasm"
done
