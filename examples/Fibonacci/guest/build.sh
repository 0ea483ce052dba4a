#!/usr/bin/env bash
# Rebuilds fib.wasm from fib.wat (keeps the names section so probes can use $fib, $n, ...). Needs wabt (apt-get install wabt).
set -euo pipefail
cd "$(dirname "$0")"
wat2wasm --debug-names fib.wat -o fib.wasm
