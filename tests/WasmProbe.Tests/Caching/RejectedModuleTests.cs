using WasmProbe.Engine;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Debugging;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Tests.Caching;

/// <summary>An instrumented module Wasmtime refuses, stood in for by an instrumented module whose bytes have function
/// $big grown past one of Wasmtime's limits.</summary>
public sealed class RejectedModuleTests : IDisposable
{
    private const string Original = """
        (module
          (func $small)
          (func $big))
        """;

    private readonly CacheFixture _fixture = new();

    private static InstrumentedModule Instrumented(byte[] grownBody)
    {
        var original = ModuleDecoder.Decode(Wat.ToBinary(Original));
        byte[] bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, .. Section(1, [1, 0x60, 0, 0]), .. Section(3, [2, 0, 0]),
            .. Section(10, [2, .. Leb(2), 0, 0x0b, .. Leb(grownBody.Length), .. grownBody])];
        var exports = new ExportNames { DebugMemory = "", Armed = "", StepLimit = "", FrameTop = "", StackPointer = "", Resume = "", Globals = [], Memories = [], Tables = [] };
        return new InstrumentedModule(original, bytes, new PcMap(), [], 0, new FrameLayout?[2], new DebugMemory(0, 2), InstrumentationMode.Static, exports);
    }

    private static byte[] OversizedBody() => [0, .. Enumerable.Repeat((byte)0x01, (int)WasmtimeLimits.MaxBodySize), 0x0b];

    private static byte[] TooManyLocals() => [1, .. Leb((int)WasmtimeLimits.MaxLocals + 1), 0x7f, 0x0b];

    private static byte[] Section(byte id, byte[] content) => [id, .. Leb(content.Length), .. content];

    private static byte[] Leb(int value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static InstrumentedModuleRejectedException RejectedByWasmtime(InstrumentedModule module)
    {
        var error = Should.Throw<Wasmtime.WasmtimeException>(() => Wasmtime.Module.FromBytes(WasmtimeRuntime.Engine, "guest", module.Bytes));
        return WasmtimeLimits.Explain(module, error);
    }

    [Fact]
    public void An_oversized_body_is_reported_before_compiling_with_the_function_and_the_limit()
    {
        var module = Instrumented(OversizedBody());
        using var guest = new GuestInstance(module, new GuestOptions(), static (_, _) => { }, _fixture.Compiled());

        var error = Should.Throw<InstrumentedModuleRejectedException>(guest.Instantiate);

        error.FunctionName.ShouldBe("big");
        error.Function.ShouldBe(1);
        error.Limit.ShouldBe(WasmtimeLimits.BodySize);
        error.LimitValue.ShouldBe(WasmtimeLimits.MaxBodySize);
        error.Actual.ShouldBe(OversizedBody().Length);
        error.Message.ShouldContain("function 'big' (func[1]) exceeds Wasmtime's limit on function body size");
        error.Message.ShouldContain("WasmProbe bug");
        _fixture.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Wasmtime_rejecting_a_body_at_an_offset_names_the_function_there()
    {
        var error = RejectedByWasmtime(Instrumented(OversizedBody()));

        error.FunctionName.ShouldBe("big");
        error.Limit.ShouldBe(WasmtimeLimits.BodySize);
        error.LimitValue.ShouldBe(WasmtimeLimits.MaxBodySize);
        error.Message.ShouldContain("Wasmtime said:");
    }

    [Fact]
    public void Wasmtime_rejecting_a_function_by_index_names_it_with_the_known_limit()
    {
        var error = RejectedByWasmtime(Instrumented(TooManyLocals()));

        error.FunctionName.ShouldBe("big");
        error.Limit.ShouldBe(WasmtimeLimits.Locals);
        error.LimitValue.ShouldBe(WasmtimeLimits.MaxLocals);
        error.Actual.ShouldBe(WasmtimeLimits.MaxLocals + 1);
    }

    [Fact]
    public void Too_many_locals_are_reported_before_compiling()
    {
        using var guest = new GuestInstance(Instrumented(TooManyLocals()), new GuestOptions(), static (_, _) => { }, _fixture.Compiled());

        var error = Should.Throw<InstrumentedModuleRejectedException>(guest.Instantiate);

        error.FunctionName.ShouldBe("big");
        error.Limit.ShouldBe(WasmtimeLimits.Locals);
    }

    public void Dispose() => _fixture.Dispose();
}
