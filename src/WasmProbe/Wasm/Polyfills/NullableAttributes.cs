#if NETSTANDARD2_0
namespace System.Diagnostics.CodeAnalysis;

// The nullable-analysis attributes the shared source uses; netstandard2.0 lacks them (the netstandard2.0 source
// generator compiles this folder too).
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class MaybeNullWhenAttribute(bool returnValue) : Attribute
{
    public bool ReturnValue { get; } = returnValue;
}

[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class NotNullWhenAttribute(bool returnValue) : Attribute
{
    public bool ReturnValue { get; } = returnValue;
}
#endif
