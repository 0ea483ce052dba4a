namespace WasmProbe.Benchmarks.Scale;

/// <summary>A measured figure, or why it could not be measured (today's code fails on some guests; the benchmark
/// reports that as the figure instead of crashing).</summary>
public readonly record struct Measurement(double Value, string? Failure)
{
    public static Measurement Of(double value) => new(value, null);

    public static Measurement Failed(string reason) => new(double.NaN, FirstLine(reason));

    public bool Succeeded => Failure is null;

    public Measurement Over(Measurement baseline) =>
        !Succeeded ? this : !baseline.Succeeded ? Failed($"no baseline ({baseline.Failure})") : Of(Value / baseline.Value);

    /// <summary>The figure for a table cell of <paramref name="width"/> characters (a failure is cut to fit).</summary>
    public string Cell(Func<double, string> format, int width)
    {
        string text = Succeeded ? format(Value) : $"failed: {Failure}";
        return text.Length <= width ? text.PadLeft(width) : text[..(width - 1)] + "…";
    }

    /// <summary>A ratio's cell: "-" when it failed (the failure is in the figure's own cell).</summary>
    public string RatioCell(int width) => (Succeeded ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Value:F2}x") : "-").PadLeft(width);

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length == 0 ? "(no message)" : line;
    }
}
