#if NETSTANDARD2_0
namespace System.Runtime.CompilerServices;

// Lets records compile for the netstandard2.0 source generator, which shares this source.
internal static class IsExternalInit;
#endif
