using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace WasmProbe.Generators;

public sealed partial class WasmProbeGenerator
{
    internal const string AttributeNamespace = "WasmProbe.Probes";
    internal const string WasmModuleAttributeName = AttributeNamespace + ".WasmModuleAttribute";

    /// <summary>The syntax stage: reads the [WasmModule] class and its probe methods' attributes into a
    /// <see cref="ProbeClassRequest"/> (plain values and locations; no symbols).</summary>
    internal static ProbeClassRequest? ParseClass(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration) return null;
        var attribute = context.Attributes.FirstOrDefault();
        if (attribute is null) return null;
        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

        string modulePath = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string path ? path : "";
        string? entry = null;
        var args = ImmutableArray<ConstantArg>.Empty;
        bool hasArgs = false, wasi = false, generateFacts = true;
        int deadline = 0;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Entry": entry = named.Value.Value as string; break;
                case "Wasi": wasi = named.Value.Value is true; break;
                case "DeadlineMilliseconds": deadline = named.Value.Value is int d ? d : 0; break;
                case "GenerateFacts": generateFacts = named.Value.Value is not false; break;
                case "Args":
                    hasArgs = true;
                    var elements = ElementSyntaxes(NamedArgument(attributeSyntax, "Args"));
                    args = named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull
                        ? named.Value.Values.Select((v, i) => Constant(v, i < elements.Count ? elements[i] : NamedArgument(attributeSyntax, "Args"))).ToImmutableArray()
                        : ImmutableArray<ConstantArg>.Empty;
                    break;
            }
        }

        var containing = new List<ContainingType>();
        string? shapeProblem = null;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) shapeProblem = "is not partial";
        else if (type.IsStatic) shapeProblem = "is static";
        else if (type.IsGenericType) shapeProblem = "is generic";
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            bool partial = outer.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial && shapeProblem is null) shapeProblem = $"is nested in '{outer.Name}', which is not partial";
            if (outer.IsGenericType && shapeProblem is null) shapeProblem = $"is nested in generic '{outer.Name}'";
            containing.Insert(0, new ContainingType(Keyword(outer), outer.Name));
        }

        var methods = new List<ProbeMethodRequest>();
        var mocks = new List<MockRequest>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method) continue;
            if (ParseMethod(method, cancellationToken) is { } request) methods.Add(request);
            if (ParseMock(method, cancellationToken) is { } mock) mocks.Add(mock);
        }

        bool isPublic = true;
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType) isPublic &= t.DeclaredAccessibility == Accessibility.Public;
        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        string fullName = string.Join(".", new[] { ns }.Concat(containing.Select(c => c.Name)).Concat([type.Name]).Where(s => s is not null));
        return new ProbeClassRequest(
            ns,
            containing.ToEquatableArray(),
            type.Name,
            fullName,
            Keyword(type),
            shapeProblem,
            isPublic,
            LocationInfo.From(declaration.Identifier.GetLocation()),
            modulePath,
            LocationInfo.From(PositionalArgument(attributeSyntax, 0) ?? (SyntaxNode?)attributeSyntax),
            entry,
            LocationInfo.From(NamedArgument(attributeSyntax, "Entry") ?? (SyntaxNode?)attributeSyntax),
            args.ToEquatableArray(),
            hasArgs,
            LocationInfo.From(NamedArgument(attributeSyntax, "Args") ?? (SyntaxNode?)attributeSyntax),
            wasi,
            ParseWasi(attribute, attributeSyntax),
            deadline,
            generateFacts,
            type.MemberNames.OrderBy(s => s, StringComparer.Ordinal).ToEquatableArray(),
            methods.ToEquatableArray(),
            mocks.ToEquatableArray(),
            ParseLinks(type, cancellationToken));
    }

    private static MockRequest? ParseMock(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass is { Name: "MockImportAttribute" } c && c.ContainingNamespace?.ToDisplayString() == AttributeNamespace);
        if (attribute is null) return null;
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        return new MockRequest(method.Name, method.IsStatic, method.IsGenericMethod, ConstructorArgument(attribute, syntax, 0), ConstructorArgument(attribute, syntax, 1),
            method.Parameters.Select(p => TypeKeyword(p.Type)).ToEquatableArray(), method.ReturnsVoid ? "void" : TypeKeyword(method.ReturnType),
            LocationInfo.From(syntax), LocationInfo.From(method.Locations.FirstOrDefault()));
    }

    private static ProbeMethodRequest? ParseMethod(IMethodSymbol method, CancellationToken cancellationToken)
    {
        AttributeData? probe = null;
        ProbeKind? kind = null;
        bool both = false;
        var expectations = new List<ExpectationRequest>();
        EndingRequest? ending = null;
        bool bothEndings = false;
        var importCalls = new List<ImportCallsRequest>();
        var noWrites = new List<WatchRequest>();
        foreach (var attribute in method.GetAttributes())
        {
            var cls = attribute.AttributeClass;
            if (cls is null || cls.ContainingNamespace?.ToDisplayString() != AttributeNamespace) continue;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            switch (cls.Name)
            {
                case "BreakAtAttribute" or "StepFromAttribute" or "BreakAtLineAttribute" or "OnCallAttribute" or "OnReturnAttribute" or "BreakOnWriteAttribute" or "BreakOnGlobalWriteAttribute":
                    if (probe is not null) both = true;
                    probe ??= attribute;
                    kind ??= cls.Name switch
                    {
                        "BreakAtAttribute" => ProbeKind.Breakpoint,
                        "BreakAtLineAttribute" => ProbeKind.Line,
                        "OnCallAttribute" => ProbeKind.Call,
                        "OnReturnAttribute" => ProbeKind.Return,
                        "BreakOnWriteAttribute" => ProbeKind.Write,
                        "BreakOnGlobalWriteAttribute" => ProbeKind.GlobalWrite,
                        _ => ProbeKind.Steps,
                    };
                    break;
                case "ExpectLocalAttribute":
                    expectations.Add(Expectation(ExpectationKind.Local, attribute, syntax, null));
                    break;
                case "ExpectStackAttribute":
                    expectations.Add(Expectation(ExpectationKind.Stack, attribute, syntax, null));
                    break;
                case "ExpectVariableAttribute":
                    expectations.Add(Expectation(ExpectationKind.Variable, attribute, syntax, null));
                    break;
                case "ExpectArgAttribute":
                    expectations.Add(Expectation(ExpectationKind.Arg, attribute, syntax, null));
                    break;
                case "ExpectResultAttribute":
                    expectations.Add(Expectation(ExpectationKind.Result, attribute, syntax, null));
                    break;
                case "ExpectGlobalAttribute":
                    expectations.Add(Expectation(ExpectationKind.Global, attribute, syntax, null));
                    break;
                case "ExpectMemoryAttribute" when !cls.IsGenericType:
                    expectations.Add(Expectation(ExpectationKind.Memory, attribute, syntax, null));
                    break;
                case "ExpectMemoryAttribute":
                    expectations.Add(Expectation(ExpectationKind.TypedMemory, attribute, syntax, TypeKeyword(cls.TypeArguments[0])));
                    break;
                case "ExpectNoWriteAttribute":
                    noWrites.Add(Watch(attribute, syntax));
                    break;
                case "ExpectImportCallsAttribute":
                    importCalls.Add(new ImportCallsRequest(ConstructorArgument(attribute, syntax, 0), ConstructorArgument(attribute, syntax, 1), ConstructorArgument(attribute, syntax, 2), LocationInfo.From(syntax)));
                    break;
                case "ExpectFinishAttribute" or "ExpectTrapAttribute":
                    bothEndings |= ending is not null;
                    ending = cls.Name == "ExpectTrapAttribute"
                        ? new EndingRequest(true, EquatableArray<ConstantArg>.Empty,
                            attribute.ConstructorArguments.Length > 0 ? ConstructorArgument(attribute, syntax, 0) : null, LocationInfo.From(syntax))
                        : new EndingRequest(false, ParamsConstants(attribute, syntax), null, LocationInfo.From(syntax));
                    break;
            }
        }
        if (probe is null && expectations.Count == 0 && ending is null && importCalls.Count == 0 && noWrites.Count == 0) return null;

        var probeSyntax = probe?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        int hit = kind == ProbeKind.Steps ? 1 : 0, steps = 1, mode = 0;
        bool optional = false, earlyReturns = false;
        if (probe is not null)
        {
            foreach (var named in probe.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Hit": hit = named.Value.Value is int h ? h : hit; break;
                    case "Optional": optional = named.Value.Value is true; break;
                    case "EarlyReturns": earlyReturns = named.Value.Value is true; break;
                    case "Steps": steps = named.Value.Value is int s ? s : steps; break;
                    case "Mode": mode = named.Value.Value is int m ? m : 0; break;
                }
            }
        }

        var parameters = method.Parameters.Select(p => new ParameterInfo(
            p.Type.Name,
            p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            p.Type.TypeKind == TypeKind.Error,
            LocationInfo.From(p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ParameterSyntax ps ? (SyntaxNode?)ps.Type ?? ps : null)));

        // The positional arguments: function and pc ([BreakAt], [StepFrom]) or file and line ([BreakAtLine]).
        var first = probe is not null && probe.ConstructorArguments.Length > 0 ? Constant(probe.ConstructorArguments[0], PositionalArgument(probeSyntax, 0) ?? (SyntaxNode?)probeSyntax) : null;
        var second = probe is not null && probe.ConstructorArguments.Length > 1 ? Constant(probe.ConstructorArguments[1], PositionalArgument(probeSyntax, 1) ?? (SyntaxNode?)probeSyntax) : null;
        bool line = kind == ProbeKind.Line, located = kind is not (ProbeKind.Line or ProbeKind.Write or ProbeKind.GlobalWrite);
        var watch = kind == ProbeKind.Write ? Watch(probe!, probeSyntax) : null;
        var module = probe?.NamedArguments.FirstOrDefault(n => n.Key == "Module") is { Key: not null } moduleArgument ? Constant(moduleArgument.Value, NamedArgument(probeSyntax, "Module") ?? (SyntaxNode?)probeSyntax) : null;
        return new ProbeMethodRequest(
            method.Name,
            LocationInfo.From(method.Locations.FirstOrDefault()),
            method.IsStatic,
            method.ReturnsVoid,
            method.IsGenericMethod,
            kind,
            LocationInfo.From(probeSyntax),
            both,
            located ? first : null,
            located ? second : null,
            line ? first : null,
            line ? second : null,
            hit,
            LocationInfo.From(NamedArgument(probeSyntax, "Hit") ?? (SyntaxNode?)probeSyntax),
            optional,
            steps,
            LocationInfo.From(NamedArgument(probeSyntax, "Steps") ?? (SyntaxNode?)probeSyntax),
            mode,
            parameters.ToEquatableArray(),
            expectations.ToEquatableArray(),
            ending,
            bothEndings,
            importCalls.ToEquatableArray(),
            watch,
            noWrites.ToEquatableArray(),
            kind == ProbeKind.GlobalWrite ? first : null,
            module,
            earlyReturns);
    }

    /// <summary>[BreakOnWrite] or [ExpectNoWrite]: address, length and Memory.</summary>
    private static WatchRequest Watch(AttributeData attribute, AttributeSyntax? syntax)
    {
        int memory = 0;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Memory" && named.Value.Value is int m) memory = m;
        }
        return new WatchRequest(ConstructorArgument(attribute, syntax, 0), ConstructorArgument(attribute, syntax, 1), memory,
            LocationInfo.From(NamedArgument(syntax, "Memory") ?? (SyntaxNode?)syntax), LocationInfo.From(syntax));
    }

    /// <summary>The values of a <c>params object[]</c> constructor argument, each with its own syntax whether written
    /// expanded (<c>[ExpectFinish(1, 2)]</c>) or as an array.</summary>
    private static EquatableArray<ConstantArg> ParamsConstants(AttributeData attribute, AttributeSyntax? syntax)
    {
        if (attribute.ConstructorArguments.Length == 0) return EquatableArray<ConstantArg>.Empty;
        var array = attribute.ConstructorArguments[0];
        var first = PositionalArgument(syntax, 0);
        if (array.Kind != TypedConstantKind.Array || array.IsNull) return new[] { new ConstantArg(null, "null", LocationInfo.From(first ?? (SyntaxNode?)syntax)) }.ToEquatableArray();
        var elements = ElementSyntaxes(first);
        bool written = elements.Count == array.Values.Length;
        return array.Values.Select((v, i) => Constant(v, written ? elements[i] : PositionalArgument(syntax, i) ?? (SyntaxNode?)syntax)).ToEquatableArray();
    }

    private static ExpectationRequest Expectation(ExpectationKind kind, AttributeData attribute, AttributeSyntax? syntax, string? memoryType)
    {
        int hit = 0, memory = 0;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Hit" && named.Value.Value is int h) hit = h;
            if (named.Key == "Memory" && named.Value.Value is int m) memory = m;
        }
        var ctor = attribute.ConstructorArguments;
        var target = ctor.Length > 0 ? Constant(ctor[0], PositionalArgument(syntax, 0) ?? (SyntaxNode?)syntax) : new ConstantArg(null, "null", LocationInfo.From(syntax));
        var value = ctor.Length > 1 ? Constant(ctor[1], PositionalArgument(syntax, 1) ?? (SyntaxNode?)syntax) : new ConstantArg(null, "null", LocationInfo.From(syntax));
        return new ExpectationRequest(kind, target, value, hit, LocationInfo.From(NamedArgument(syntax, "Hit") ?? (SyntaxNode?)syntax),
            memory, LocationInfo.From(NamedArgument(syntax, "Memory") ?? (SyntaxNode?)syntax), memoryType, LocationInfo.From(syntax));
    }

    /// <summary>Positional argument <paramref name="i"/> of an attribute, or null (at the attribute) where it has none.</summary>
    private static ConstantArg ConstructorArgument(AttributeData attribute, AttributeSyntax? syntax, int i) => attribute.ConstructorArguments.Length > i
        ? Constant(attribute.ConstructorArguments[i], PositionalArgument(syntax, i) ?? (SyntaxNode?)syntax)
        : new ConstantArg(null, "null", LocationInfo.From(syntax));

    private static ConstantArg Constant(TypedConstant constant, SyntaxNode? syntax)
    {
        var location = LocationInfo.From(syntax);
        if (constant.Kind == TypedConstantKind.Array) return new ConstantArg(null, "array", location);
        if (constant.IsNull || constant.Value is null) return new ConstantArg(null, "null", location);
        return new ConstantArg(constant.Value, TypeKeyword(constant.Type), location);
    }

    private static string TypeKeyword(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Boolean => "bool",
        SpecialType.System_Char => "char",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        SpecialType.System_String => "string",
        SpecialType.System_Decimal => "decimal",
        _ => type?.ToDisplayString() ?? "null",
    };

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static ExpressionSyntax? PositionalArgument(AttributeSyntax? attribute, int position)
    {
        if (attribute?.ArgumentList is null) return null;
        int index = 0;
        foreach (var argument in attribute.ArgumentList.Arguments)
        {
            if (argument.NameEquals is not null) continue;
            if (argument.NameColon is not null) return null; // named constructor arguments: give up on exact positions
            if (index++ == position) return argument.Expression;
        }
        return null;
    }

    private static ExpressionSyntax? NamedArgument(AttributeSyntax? attribute, string name)
    {
        if (attribute?.ArgumentList is null) return null;
        foreach (var argument in attribute.ArgumentList.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name) return argument.Expression;
        }
        return null;
    }

    /// <summary>The element expressions of an array creation or collection expression (for per-element locations).</summary>
    private static IReadOnlyList<SyntaxNode> ElementSyntaxes(ExpressionSyntax? expression) => expression switch
    {
        ArrayCreationExpressionSyntax { Initializer: { } init } => init.Expressions,
        ImplicitArrayCreationExpressionSyntax { Initializer: { } init } => init.Expressions,
        CollectionExpressionSyntax collection => collection.Elements.OfType<ExpressionElementSyntax>().Select(e => (SyntaxNode)e.Expression).ToList(),
        _ => [],
    };
}
