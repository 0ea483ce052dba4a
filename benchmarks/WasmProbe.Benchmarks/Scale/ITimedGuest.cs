namespace WasmProbe.Benchmarks.Scale;

/// <summary>A way of running a guest's workload that the scale benchmark times against the others.</summary>
public interface ITimedGuest : IDisposable
{
    /// <summary>How many times the guest stopped (a breakpoint that should never be hit is checked by it).</summary>
    int Stops { get; }

    /// <summary>Runs the workload; returns the last call's result.</summary>
    object? Invoke();

    double TimeMilliseconds()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Invoke();
        return clock.Elapsed.TotalMilliseconds;
    }
}
