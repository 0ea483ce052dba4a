using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Tests.Text;

/// <summary>The checked-in modules of tests/WasmProbe.Tests/Fixtures (copied next to the test assembly).</summary>
internal static class Fixture
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>fib.wasm, built from fib.wat with <c>wat2wasm --debug-names</c>: func[0] is the import env.log,
    /// func[1] $fib (exported as "fibonacci"), func[2] $memo (exported as "memo"), func[3] unnamed.</summary>
    public static Module Fib() => ModuleDecoder.Decode(File.ReadAllBytes(PathOf("fib.wasm")));
}
