#!/usr/bin/env bash
# Rebuilds sqlite-O0.wasm and sqlite-O2.wasm: SQLite (the amalgamation, public domain) and driver.c, compiled with
# clang-14 for wasm32-wasi with -g at -O0 and -O2. The .wasm files are committed; sqlite3.c is not: it is taken from
# the npm package sqlite3@6.0.1, which carries it as deps/sqlite-autoconf-*.tar.gz.
#
# The modules are WASI commands: wasm-ld wraps each export of a command so that it runs the constructors first, so
# every export can be invoked on a fresh instance without calling _start (see README.md).
#
# Needs (Debian/Ubuntu): apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 npm
# Compiling and linking are separate steps on purpose: `clang -O2 x.c -o x.wasm` would run wasm-opt (binaryen) on the
# linked module when it is on the PATH, and wasm-opt does not keep DWARF correct.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CC=${CC:-clang-14}
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent sqlite3@6.0.1 >/dev/null && tar xzf sqlite3-6.0.1.tgz && tar xzf package/deps/sqlite-autoconf-*.tar.gz)
src=$(echo "$tmp"/sqlite-autoconf-*)

# The configuration WASI allows: no threads, no extension loading, no WAL (it needs shared memory), no OS randomness,
# temporary tables in memory, mmap emulated by wasi-libc, no system().
defines=(-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_OMIT_RANDOMNESS
  -DSQLITE_TEMP_STORE=3 -D_WASI_EMULATED_MMAN -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_NOHAVE_SYSTEM)

# Source paths in the DWARF are /sqlite/sqlite3.c, /sqlite/sqlite3.h and /sqlite/driver.c, wherever the sources were.
prefix_maps=(-fdebug-prefix-map="$src"=/sqlite -fdebug-prefix-map="$here"=/sqlite)

for opt in O0 O2; do
  "$CC" --target=wasm32-wasi --sysroot=/usr -g "-$opt" "${defines[@]}" "${prefix_maps[@]}" \
    -c "$src/sqlite3.c" -o "$tmp/sqlite3-$opt.o"
  "$CC" --target=wasm32-wasi --sysroot=/usr -g "-$opt" "${prefix_maps[@]}" -I"$src" -c driver.c -o "$tmp/driver-$opt.o"
  "$CC" --target=wasm32-wasi --sysroot=/usr "$tmp/sqlite3-$opt.o" "$tmp/driver-$opt.o" -lwasi-emulated-mman -o "sqlite-$opt.wasm"
done
ls -l sqlite-O0.wasm sqlite-O2.wasm
