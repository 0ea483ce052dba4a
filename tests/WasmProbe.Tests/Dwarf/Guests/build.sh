#!/usr/bin/env bash
# Rebuilds the guests of the DWARF variable tests (the .wasm files are committed, so the tests need no toolchain).
#
#   vars-O0.wasm         vars.c, clang-14 -g -O0 (DWARF 4): variables in memory (DW_OP_fbreg), every C type kind
#   vars-O2.wasm         vars.c, clang-14 -g -O2 (DWARF 4): variables in wasm locals, location lists in .debug_loc
#   vars-O2-dwarf5.wasm  vars.c, clang-14 -gdwarf-5 -O2: .debug_loclists (DW_FORM_loclistx), .debug_rnglists
#   shapes.wasm          shapes.rs, Debian rustc 1.63 --target wasm32-wasi -g -C opt-level=0 (no_std): Rust types (struct, array,
#                        slice, &str, Option<u32>)
#
# Needs (Debian/Ubuntu): apt-get install -y clang-14 lld-14 rustc libstd-rust-dev-wasm32
# Source paths in the DWARF are mapped to /guests, so the output does not depend on where the repository is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CC=${CC:-clang-14}
LD=${LD:-wasm-ld-14}
RUSTC=${RUSTC:-/usr/bin/rustc}
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

c_guest() { # c_guest OUTPUT.wasm FLAGS...
  local out=$1
  shift
  "$CC" --target=wasm32 -fdebug-prefix-map="$here"=/guests -nostdlib "$@" -c vars.c -o "$tmp/vars.o"
  "$LD" --no-entry --export=run "$tmp/vars.o" -o "$out"
}
c_guest vars-O0.wasm -g -O0
c_guest vars-O2.wasm -g -O2
c_guest vars-O2-dwarf5.wasm -gdwarf-5 -O2

# Compiled to an object and linked alone: linking the crate as a cdylib would bring libcore's DWARF (2 MB); the
# core functions it calls become imports (--allow-undefined), which is fine for a guest that is only read.
"$RUSTC" --target wasm32-wasi --crate-type lib --emit obj -g -C opt-level=0 -C panic=abort \
  --remap-path-prefix "$here"=/guests shapes.rs -o "$tmp/shapes.o"
"$LD" --no-entry --export=run --allow-undefined "$tmp/shapes.o" -o shapes.wasm

ls -l ./*.wasm
