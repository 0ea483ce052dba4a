#!/bin/sh
# Fetches the coverage benchmark's large real module: gen/yosys.core.wasm (30.8 MB, 34,004 functions) from the npm
# package @yowasp/yosys 0.55.944, into benchmarks/guests/yosys.core.wasm (not committed; see .gitignore).
# The benchmark also takes any module through WASMPROBE_LARGE_MODULE=/path/to/module.wasm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @yowasp/yosys@0.55.944 >/dev/null && tar -xzf yowasp-yosys-0.55.944.tgz package/gen/yosys.core.wasm)
mv "$work/package/gen/yosys.core.wasm" "$here/yosys.core.wasm"
echo "$here/yosys.core.wasm"
