using WasmProbe.Debugging;
using WasmProbe.Engine;

namespace WasmProbe.Tests.Dwarf;

/// <summary>The C guests of examples/CGuest/guest (built by its build.sh and committed): sort.c compiled with clang-14
/// -g -O0 / -O2 / -gdwarf-5, and a large generated program. They are WASI commands: entry _start.</summary>
public static class CGuest
{
    public static string Directory { get; } = Repository.PathOf("examples", "CGuest", "guest");

    /// <summary>The source file as the DWARF names it (build.sh maps the guest folder to /cguest).</summary>
    public const string SortPath = "/cguest/sort.c";

    /// <summary>What sort.c prints.</summary>
    public const string SortOutput = "1 2 3 5 7 9 \nsum=27\n";

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static DebugSessionOptions Options { get; } = new() { Entry = "_start", Host = new GuestOptions { Wasi = true } };

    public static DebugSession Session(string name) => DebugSession.Open(PathOf(name), Options);
}
