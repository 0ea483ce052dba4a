using System.Runtime.ExceptionServices;

namespace WasmProbe.Tests;

/// <summary>Runs work that must terminate on a thread of its own and fails the test if it has not finished after a
/// minute: a guard against endless loops, never a performance bound (a slow or loaded machine stays far below it).</summary>
public static class HangGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static T Run<T>(Func<T> work, string what)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "hang guard" };
        thread.Start();
        if (!thread.Join(Limit)) throw new ShouldAssertException($"{what}: still running after {Limit.TotalSeconds:0} s (an endless loop?)");
        error?.Throw();
        return result;
    }
}
