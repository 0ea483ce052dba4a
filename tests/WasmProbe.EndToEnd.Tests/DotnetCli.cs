using System.Diagnostics;

namespace WasmProbe.EndToEnd.Tests;

/// <summary>Runs the dotnet CLI in a project directory outside the repository, as a user would: English output, no
/// terminal logger, no MSBuild node or setting of an outer build, and no WasmProbe setting of the outer test run.</summary>
internal static class DotnetCli
{
    /// <summary>A guard against a hung build or test run, never a performance bound: a nested build on the loaded 2-core
    /// machine of a whole-suite run takes a few minutes at worst.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(10);

    public static (int ExitCode, string Output) Run(string directory, params string[] arguments) => Run(directory, [], arguments);

    public static (int ExitCode, string Output) Run(string directory, (string Name, string Value)[] environment, params string[] arguments) =>
        Run("dotnet", directory, environment, arguments);

    /// <param name="program">dotnet, or an installed tool's command.</param>
    public static (int ExitCode, string Output) Run(string program, string directory, (string Name, string Value)[] environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("WASMPROBE_", StringComparison.OrdinalIgnoreCase)).ToList()) start.Environment.Remove(key);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        // Not the build nodes of an outer build: this build must not share or keep MSBuild processes.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than {HangLimit.TotalMinutes} minutes:\n{output.Result}{error.Result}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
