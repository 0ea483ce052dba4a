namespace WasmProbe.Caching;

/// <summary>Where and how much WasmProbe caches. <see cref="FromEnvironment"/> reads:
/// <c>WASMPROBE_CACHE_DIR</c> (the compiled-code directory; <c>off</c> disables the disk cache; default
/// <c>$XDG_CACHE_HOME/wasmprobe</c>, else <c>~/.cache/wasmprobe</c>, on Windows <c>%LOCALAPPDATA%\wasmprobe</c>),
/// <c>WASMPROBE_CACHE_SIZE_MB</c> (its bound, default 2048) and <c>WASMPROBE_MEMORY_CACHE_MB</c> (the bound of the
/// compiled code kept in the process, default 512).</summary>
internal sealed record CacheSettings
{
    public const string DirectoryVariable = "WASMPROBE_CACHE_DIR";
    public const string DiskSizeVariable = "WASMPROBE_CACHE_SIZE_MB";
    public const string MemorySizeVariable = "WASMPROBE_MEMORY_CACHE_MB";
    public const string Off = "off";

    private const long MB = 1024 * 1024;

    /// <summary>The compiled-code directory; null: no disk cache.</summary>
    public string? Directory { get; init; }

    public long DiskBytes { get; init; } = 2048 * MB;

    /// <summary>Compiled modules kept in the process, by their serialized size (about the size of their code).</summary>
    public long CompiledBytes { get; init; } = 512 * MB;

    /// <summary>Decoded and instrumented modules kept in the process, by their binary size.</summary>
    public long ModuleBytes { get; init; } = 256 * MB;

    public static CacheSettings FromEnvironment()
    {
        string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        var defaults = new CacheSettings();
        return new CacheSettings
        {
            Directory = string.IsNullOrWhiteSpace(directory) ? DefaultDirectory()
                : directory.Trim().Equals(Off, StringComparison.OrdinalIgnoreCase) ? null
                : Path.GetFullPath(directory),
            DiskBytes = Megabytes(DiskSizeVariable) ?? defaults.DiskBytes,
            CompiledBytes = Megabytes(MemorySizeVariable) ?? defaults.CompiledBytes,
        };
    }

    private static string? DefaultDirectory()
    {
        string? root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return string.IsNullOrEmpty(root) ? null : Path.Combine(root, "wasmprobe");
    }

    private static long? Megabytes(string variable) =>
        long.TryParse(Environment.GetEnvironmentVariable(variable), out long megabytes) && megabytes >= 0 ? megabytes * MB : null;
}
