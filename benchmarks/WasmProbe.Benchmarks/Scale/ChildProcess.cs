using System.Diagnostics;
using System.Globalization;

namespace WasmProbe.Benchmarks.Scale;

/// <summary>What a child process did: its exit code and output, wall time, peak resident memory, and why it was
/// stopped if it was.</summary>
public sealed record ChildResult(int ExitCode, string LastOutputLine, string Stderr, double WallMilliseconds, long PeakRssBytes, string? Killed)
{
    public bool Succeeded => Killed is null && ExitCode == 0;

    /// <summary>Why it failed, in one line: the "error:" line of its stderr (or else the first line there), with the
    /// cause Wasmtime gives on a later line.</summary>
    public string FailureReason
    {
        get
        {
            if (Killed is not null) return Killed;
            var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length == 0) return $"exit code {ExitCode}: {LastOutputLine}";
            int error = Math.Max(0, Array.FindIndex(lines, l => l.StartsWith("error", StringComparison.Ordinal)));
            int cause = Array.IndexOf(lines, "Caused by:", error);
            string reason = cause >= 0 && cause + 1 < lines.Length ? $"{lines[error]}: {lines[cause + 1]}" : lines[error];
            return $"{reason} (exit code {ExitCode})";
        }
    }
}

/// <summary>Runs <c>dotnet DLL ARGS</c> as a child with its managed heap capped (<see cref="HeapLimitBytes"/>), killed
/// when its resident memory passes <see cref="RssLimitBytes"/> (native memory, e.g. Wasmtime's compiler, is not under
/// the heap cap) or after <see cref="Timeout"/>. Peak RSS is the kernel's high-water mark (VmHWM), polled.</summary>
public static class ChildProcess
{
    public const long HeapLimitBytes = 4L << 30;
    public const long RssLimitBytes = 6L << 30;
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <param name="cacheDirectory">The child's WASMPROBE_CACHE_DIR (null: the user's cache).</param>
    public static ChildResult RunDotnet(string dll, IEnumerable<string> arguments, string? cacheDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("x", CultureInfo.InvariantCulture);
        if (cacheDirectory is not null) start.Environment["WASMPROBE_CACHE_DIR"] = cacheDirectory;

        string lastLine = "";
        var stderr = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (!string.IsNullOrEmpty(e.Data)) lastLine = e.Data; };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        long peak = 0;
        string? killed = null;
        while (!process.WaitForExit(PollInterval))
        {
            var (rss, hwm) = Memory(process.Id);
            peak = Math.Max(peak, hwm);
            if (rss > RssLimitBytes) killed = $"killed: resident memory over {RssLimitBytes >> 30} GB";
            else if (clock.Elapsed > Timeout) killed = $"killed: still running after {Timeout.TotalSeconds:F0} s";
            if (killed is null) continue;
            process.Kill();
            process.WaitForExit();
            break;
        }
        double wall = clock.Elapsed.TotalMilliseconds;
        process.WaitForExit();
        lock (stderr) return new ChildResult(process.ExitCode, lastLine, stderr.ToString(), wall, peak, killed);
    }

    /// <summary>Current and peak resident set size of a process, in bytes (0 once it has exited).</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line);
            }
        }
        catch (IOException)
        {
            // It exited between the wait and the read.
        }
        return (rss, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
