using System.Globalization;

namespace WasmProbe.Instrumentation;

/// <summary>A function WasmProbe cannot instrument within this process's limits: instrumenting it ran out of memory or
/// of thread stack. Names the function and the limit, so a module that Wasmtime accepts fails with a reason rather
/// than an internal error.</summary>
public sealed class ModuleTooLargeException : NotSupportedException
{
    private ModuleTooLargeException(int function, string? name, string limit, Exception inner)
        : base($"function {function.ToString(CultureInfo.InvariantCulture)}{(name is null ? "" : $" <{name}>")} is too large to instrument: {limit}", inner)
    {
        Function = function;
        Limit = limit;
    }

    /// <summary>Index in the function index space (imports first).</summary>
    public int Function { get; }

    /// <summary>Which limit it exceeded, in words.</summary>
    public string Limit { get; }

    /// <summary>Runs one function's part of an instrumentation pass; running out of memory or stack there becomes this
    /// error for <paramref name="function"/>.</summary>
    internal static T Guard<T>(Module module, int function, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is OutOfMemoryException or InsufficientExecutionStackException)
        {
            string limit = e is OutOfMemoryException
                ? $"it needs more memory than the {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20} MB this process may use"
                : "its code nests deeper than the thread's stack allows";
            throw new ModuleTooLargeException(function, module.Names.Function(function), limit, e);
        }
    }

    internal static void Guard(Module module, int function, Action work) => Guard(module, function, () =>
    {
        work();
        return true;
    });
}
