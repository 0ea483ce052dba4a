using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace WasmProbe.Generators;

/// <summary>Suppresses xunit's xUnit1013 ("public method should be marked as a test") on probe methods and mocks: a
/// [BreakAt]/[BreakAtLine]/[StepFrom] method is not a test itself but runs through the [Fact] the generator emits for it,
/// and a [MockImport] method is called by the guest.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProbeMethodSuppressor : DiagnosticSuppressor
{
    internal static readonly SuppressionDescriptor PublicProbeMethod = new(
        "WPS0001", "xUnit1013",
        "Probe methods ([BreakAt], [BreakAtLine], [StepFrom]) run through the xunit test the WasmProbe generator emits for them; [MockImport] methods are called by the guest");

    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions => [PublicProbeMethod];

    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (var diagnostic in context.ReportedDiagnostics)
        {
            var tree = diagnostic.Location.SourceTree;
            if (tree is null) continue;
            var node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan);
            var model = context.GetSemanticModel(tree);
            var symbol = model.GetDeclaredSymbol(node, context.CancellationToken) as IMethodSymbol;
            if (symbol is null) continue;
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "BreakAtAttribute" or "BreakAtLineAttribute" or "StepFromAttribute" or "OnCallAttribute" or "OnReturnAttribute" or "BreakOnWriteAttribute" or "BreakOnGlobalWriteAttribute" or "MockImportAttribute" } cls
                    && cls.ContainingNamespace?.ToDisplayString() == WasmProbeGenerator.AttributeNamespace)
                {
                    context.ReportSuppression(Suppression.Create(PublicProbeMethod, diagnostic));
                    break;
                }
            }
        }
    }
}
