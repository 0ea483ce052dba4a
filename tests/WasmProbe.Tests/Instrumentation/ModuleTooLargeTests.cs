using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Instrumentation;

/// <summary>Running out of memory or stack while instrumenting one function is a typed error naming that function and
/// the limit (the CLI prints it as an error about the module, not as an internal error).</summary>
public class ModuleTooLargeTests
{
    private static readonly WasmProbe.Wasm.Model.Module Module =
        ModuleDecoder.Decode(Wasmtime.Module.ConvertText("(module (func $small nop) (func $huge nop))").ToArray());

    [Fact]
    public void Running_out_of_memory_names_the_function_and_the_memory_limit()
    {
        var error = Should.Throw<ModuleTooLargeException>(() => ModuleTooLargeException.Guard<int>(Module, 1, () => throw new OutOfMemoryException()));
        error.Function.ShouldBe(1);
        error.Message.ShouldStartWith("function 1 <huge> is too large to instrument: ");
        error.Limit.ShouldContain("MB this process may use");
        error.InnerException.ShouldBeOfType<OutOfMemoryException>();
        error.ShouldBeAssignableTo<NotSupportedException>();
    }

    [Fact]
    public void Running_out_of_stack_names_the_function_and_the_stack_limit()
    {
        var error = Should.Throw<ModuleTooLargeException>(() => ModuleTooLargeException.Guard(Module, 0, () => throw new InsufficientExecutionStackException()));
        error.Message.ShouldBe("function 0 <small> is too large to instrument: its code nests deeper than the thread's stack allows");
    }

    [Fact]
    public void Other_failures_pass_through() =>
        Should.Throw<InvalidOperationException>(() => ModuleTooLargeException.Guard(Module, 0, () => throw new InvalidOperationException()));
}
