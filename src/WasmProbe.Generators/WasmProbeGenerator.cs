using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WasmProbe.Generators;

/// <summary>Generates typed probe tests for <c>[WasmModule]</c> classes. The pipeline:
/// <list type="number">
/// <item>modules: each AdditionalFiles sidecar that WasmProbe's build targets wrote for a <c>WasmModule</c> item becomes
/// a <see cref="ModuleImage"/> (path and bytes; decoded lazily, once, only if a class uses it);</item>
/// <item>classes: <c>ForAttributeWithMetadataName</c> turns each attributed class into a value-equatable
/// <see cref="ProbeClassRequest"/> (attribute values and locations, no symbols);</item>
/// <item>pairs: each request with the one module its path names (<see cref="ModuleMatch"/>);</item>
/// <item>specs: each request is checked against its module (only the functions probes name are analyzed) into a
/// <see cref="ProbeClassSpec"/> or diagnostics;</item>
/// <item>output: one source file per class, or the diagnostics.</item>
/// </list>
/// Every step's output compares by value, so edits that do not touch a probe class or its module reuse the cached
/// results (see the incrementality test).</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class WasmProbeGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incrementality tests).</summary>
    public static class Steps
    {
        public const string Modules = nameof(Modules);
        public const string Classes = nameof(Classes);
        public const string Pairs = nameof(Pairs);
        public const string Specs = nameof(Specs);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var modules = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ModuleFiles.Read(pair.Left, pair.Right.GetOptions(pair.Left), cancellationToken))
            .WithTrackingName(Steps.Modules)
            .Where(static image => image is not null)
            .Select(static (image, _) => image!);

        var hasXunit = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("Xunit.FactAttribute") is not null);

        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WasmModuleAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellationToken) => ParseClass(context, cancellationToken))
            .WithTrackingName(Steps.Classes)
            .Where(static request => request is not null)
            .Select(static (request, _) => request!);

        // Each class with its own module only: the pairing re-runs when any module changes, but its output for a class
        // whose module did not change compares equal, so that class is not validated again.
        var paired = classes
            .Combine(modules.Collect())
            .Select(static (pair, _) => ModuleMatch.Find(pair.Left, pair.Right))
            .WithTrackingName(Steps.Pairs);

        var specs = paired
            .Combine(hasXunit)
            .Select(static (input, cancellationToken) => Validate(input.Left, input.Right, cancellationToken))
            .WithTrackingName(Steps.Specs);

        context.RegisterSourceOutput(specs, static (context, result) =>
        {
            foreach (var diagnostic in result.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.Spec is { } spec) context.AddSource(HintName(spec), Emit(spec));
        });
    }

    private static string HintName(ProbeClassSpec spec) => Identifiers.Sanitize(spec.FullName.Replace('.', '_')) + ".WasmProbe.g.cs";
}
