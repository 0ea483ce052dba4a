namespace WasmProbe.Probes;

/// <summary>A probe test failed: an expectation did not hold, the probe method threw, the breakpoint was never hit,
/// or the guest trapped. The message says where (function, pc, hit), what, and shows the wasm backtrace with the top
/// frame's locals and operand stack. <see cref="Exception.InnerException"/> is the first exception the probe method threw.</summary>
public sealed class ProbeFailedException(string message, Exception? inner = null) : Exception(message, inner), IAssertionException;

/// <summary>xunit.v3 reports a test failure as an assertion failure (rather than an error) when the exception
/// implements an interface of this name, whatever its namespace; WasmProbe does not reference xunit.</summary>
internal interface IAssertionException;

/// <summary>A call into a guest (<see cref="ProbeInstance.Invoke"/>) ended in a trap, a host error or the deadline.</summary>
public sealed class WasmTrapException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable trap name such as integer_divide_by_zero, unreachable, memory_out_of_bounds, interrupt, host.</summary>
    public string Code { get; } = code;
}
