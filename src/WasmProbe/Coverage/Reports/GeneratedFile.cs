namespace WasmProbe.Coverage.Reports;

/// <summary>A file a source map creates next to the report, such as a module's listing: its name relative to the report
/// directory, and what writes its content (streamed, since a large module's listing runs to hundreds of megabytes).</summary>
public sealed record GeneratedFile(string File, Action<TextWriter> Write);
