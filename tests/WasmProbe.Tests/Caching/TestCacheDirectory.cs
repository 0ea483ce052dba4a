using System.Runtime.CompilerServices;
using WasmProbe.Caching;

namespace WasmProbe.Tests.Caching;

internal static class TestCacheDirectory
{
    /// <summary>Keeps the tests' compiled code out of the user's cache directory (child processes inherit it too).</summary>
    [ModuleInitializer]
    internal static void Redirect()
    {
        if (Environment.GetEnvironmentVariable(CacheSettings.DirectoryVariable) is null)
            Environment.SetEnvironmentVariable(CacheSettings.DirectoryVariable, Path.Combine(Path.GetTempPath(), "wasmprobe-tests-cache"));
    }
}
