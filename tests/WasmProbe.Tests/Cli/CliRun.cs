using WasmProbe.Cli;

namespace WasmProbe.Tests.Cli;

/// <summary>Runs the <c>wasmprobe</c> command in-process, as tests of its commands do; whatever fails, its error output
/// never holds a stack trace.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        stderr.ToString().ShouldNotContain("   at ", customMessage: "no stack traces");
        return (code, stdout.ToString(), stderr.ToString());
    }
}
