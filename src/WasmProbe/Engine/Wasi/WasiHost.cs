namespace WasmProbe.Engine.Wasi;

/// <summary>The WASI context of one guest instance: arguments, environment, stdin (written to a file, which is how
/// Wasmtime takes it), preopened directories (temporary ones created here) and captured stdout/stderr. Disposing it
/// deletes the files and temporary directories it made.</summary>
internal sealed class WasiHost : IDisposable
{
    private readonly List<string> _temporary = [];
    private readonly Dictionary<string, string> _hostPaths = new(StringComparer.Ordinal);

    public WasiHost(GuestOptions options, CapturedText stdout, CapturedText stderr)
    {
        Configuration = new Wasmtime.WasiConfiguration()
            .WithArgs(options.WasiArguments)
            .WithEnvironmentVariables(options.Environment.Select(v => (v.Key, v.Value)))
            .WithStandardOutputCallback(stdout.Append)
            .WithStandardErrorCallback(stderr.Append);
        try
        {
            if (options.Stdin is { } stdin)
            {
                string file = Path.Combine(Path.GetTempPath(), "wasmprobe-stdin-" + Guid.NewGuid().ToString("n"));
                _temporary.Add(file);
                File.WriteAllBytes(file, stdin);
                Configuration.WithStandardInput(file);
            }
            foreach (var directory in options.Directories)
            {
                string host = directory.HostPath is { } path ? Path.GetFullPath(path) : CreateTemporaryDirectory();
                if (!System.IO.Directory.Exists(host))
                    throw new DirectoryNotFoundException($"the WASI directory {directory} names '{host}', which does not exist");
                if (_hostPaths.ContainsKey(directory.GuestPath)) throw new ArgumentException($"the guest path '{directory.GuestPath}' is opened twice", nameof(options));
                _hostPaths[directory.GuestPath] = host;
                Configuration.WithPreopenedDirectory(host, directory.GuestPath, directory.Writable);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Wasmtime.WasiConfiguration Configuration { get; }

    /// <summary>The host directory opened at <paramref name="guestPath"/> (for a temporary one, where it was created).</summary>
    public string HostDirectory(string guestPath) => _hostPaths.TryGetValue(guestPath, out var host)
        ? host
        : throw new ArgumentException($"no directory is opened at '{guestPath}' (opened: {(_hostPaths.Count == 0 ? "none" : string.Join(", ", _hostPaths.Keys))})", nameof(guestPath));

    private string CreateTemporaryDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "wasmprobe-dir-" + Guid.NewGuid().ToString("n"));
        System.IO.Directory.CreateDirectory(path);
        _temporary.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var path in _temporary)
        {
            try
            {
                if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file the guest left open on a platform that locks it: the temp directory's cleanup will get it.
            }
        }
        _temporary.Clear();
    }
}
