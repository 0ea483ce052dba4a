#!/usr/bin/env bash
# Measures what the WasmProbe source generator (and its build step) adds to a build of a project with 5 modules of
# 1 MB each (synthetic, see make_modules.py), each probed by one [WasmModule] class. Not part of the test run.
#
#   bash tests/WasmProbe.Generators.Tests/BuildCost/measure.sh [RUNS]
#
# For the compiler server off (a fresh csc per build; UseSharedCompilation=false, as on the project's machines) and
# on (the .NET SDK's default elsewhere), it prints per run, in ms:
#   edit      the generator's own time as csc reports it (-p:ReportAnalyzer=true) in a rebuild after editing an
#             unrelated .cs file, modules unchanged (the edit-build loop)
#   changed   the same after all 5 modules changed (each is re-read, decoded and validated)
#   step      WasmProbe's MSBuild step (sidecars, items) in that edit rebuild (modules unchanged: skipped)
#   step*     the same when all 5 modules changed (rewrites 5 sidecars; includes MSBuild compiling the inline task)
#   base      the generator's time in the same project without modules and probes (what any incremental generator
#             reports for nothing: without the compiler server this is mostly JIT and pipeline start-up in a fresh csc)
#   with / without   wall time of the edit rebuild of the project, and of the same project without modules and probes
set -euo pipefail
runs=${1:-5}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d /tmp/wasmprobe-buildcost-XXXX)"
trap 'rm -rf "$work"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
export DOTNET_CLI_UI_LANGUAGE=en DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

make_project() { # DIR WITH_PROBES
  local dir=$1 probes=$2
  mkdir -p "$dir"
  python3 "$here/make_modules.py" "$dir/guests" 5 >/dev/null
  cat > "$dir/Cost.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Exe</OutputType>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <Import Project="$repo/src/WasmProbe/build/WasmProbe.ProjectReference.targets" />
  <ItemGroup>
    <WasmModule Include="guests/*.wasm" Condition="'$probes' == 'yes'" />
  </ItemGroup>
  <ItemGroup>
    <PackageReference Include="xunit.v3.mtp-off" Version="4.0.2" />
    <PackageReference Include="xunit.runner.visualstudio" Version="4.0.1" />
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />
  </ItemGroup>
</Project>
XML
  for i in 0 1 2 3 4; do
    if [[ $probes == yes ]]; then
      cat > "$dir/Probes$i.cs" <<CS
using WasmProbe.Probes;
namespace Cost;
[WasmModule("guests/big$i.wasm", Entry = "f0", Args = new object[] { 1, 2 })]
public partial class Probes$i
{
    [BreakAt("f0", 0x808)]
    [ExpectLocal("x", 1)]
    [ExpectStack(0, 1)]
    public void First(Probes$i.Func_$((i + 1))_0_0x808 stop) => Xunit.Assert.Equal(1, stop.Stack.S0);
}
CS
    else
      echo "namespace Cost; public partial class Probes$i { public void First() { } }" > "$dir/Probes$i.cs"
    fi
  done
  edit "$dir"
  dotnet build "$dir" -v:q >/dev/null
}

edit() { echo "namespace Cost; public static class Edited { public static int Value() => $RANDOM; }" > "$1/Edited.cs"; }

change_modules() { # flips the last letter of the global's name ("counter") in every module
  python3 - "$1"/guests/*.wasm <<'PY'
import sys
for path in sys.argv[1:]:
    data = bytearray(open(path, "rb").read())
    at = data.rindex(b"counte") + 6
    data[at] = ord("s") if data[at] == ord("r") else ord("r")
    open(path, "wb").write(data)
PY
}

build_log() { dotnet build "$1" --no-restore -v:d -p:ReportAnalyzer=true -clp:PerformanceSummary 2>&1; }

generator_ms() { grep -E '^\s+[0-9.<]+\s+[0-9<]+\s+WasmProbe.Generators.WasmProbeGenerator' | head -1 | awk '{ printf "%d", ($1 == "<0.001" ? 0 : $1 * 1000) }'; }

step_ms() { grep -E '^\s+[0-9]+ ms\s+WasmProbe(WriteModuleSidecars|AddModules|CollectModules) ' | awk '{ s += $1 } END { printf "%d", s }'; }

wall_ms() { # DIR
  local start end
  edit "$1"
  start=$(date +%s%N)
  dotnet build "$1" --no-restore -v:q >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

make_project "$work/with" yes
make_project "$work/without" no
ls -l "$work/with/guests" | awk 'NR > 1 { printf "%s %d bytes\n", $9, $5 }'

for shared in false true; do
  export UseSharedCompilation=$shared
  dotnet build-server shutdown >/dev/null 2>&1 || true
  echo
  echo "compiler server: $([[ $shared == true ]] && echo on || echo off)"
  printf "%-4s %8s %8s %8s %8s %8s %8s %8s\n" run edit changed base step "step*" with without
  for r in $(seq 1 "$runs"); do
    edit "$work/with"; log=$(build_log "$work/with"); g=$(generator_ms <<<"$log"); s=$(step_ms <<<"$log")
    change_modules "$work/with"; edit "$work/with"; log=$(build_log "$work/with"); c=$(generator_ms <<<"$log"); sc=$(step_ms <<<"$log")
    edit "$work/without"; log=$(build_log "$work/without"); b=$(generator_ms <<<"$log")
    w1=$(wall_ms "$work/with")
    w0=$(wall_ms "$work/without")
    printf "%-4s %8s %8s %8s %8s %8s %8s %8s\n" "$r" "$g" "$c" "$b" "$s" "$sc" "$w1" "$w0"
  done
done
