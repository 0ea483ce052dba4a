namespace WasmProbe.Probes;

/// <summary>Makes a partial class a set of probe tests over one WebAssembly module. The module must be listed in the
/// project as <c>&lt;WasmModule Include="guests/fib.wasm" /&gt;</c>; <see cref="Path"/> names it as written there.
/// The source generator then emits, into the class: typed exports and globals (<c>Instantiate()</c>), a typed stop view
/// per <see cref="BreakAtAttribute"/>/<see cref="StepFromAttribute"/> location and <see cref="BreakAtLineAttribute"/>
/// line, and one test per probe method.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WasmModuleAttribute(string path) : Attribute
{
    /// <summary>The module's path as listed in the project's <c>WasmModule</c> items (e.g. <c>guests/fib.wasm</c>).</summary>
    public string Path { get; } = path;

    /// <summary>The exported function each probe run calls; null only instantiates the module (its start function runs).</summary>
    public string? Entry { get; set; }

    /// <summary>Arguments for <see cref="Entry"/>, checked against its parameter types at compile time.</summary>
    public object[]? Args { get; set; }

    /// <summary>Provide WASI preview 1 to the guest (stdout and stderr are captured). Its program arguments are the
    /// module's file name followed by <see cref="WasiArgs"/>.</summary>
    public bool Wasi { get; set; }

    /// <summary>WASI program arguments after the program name (argv[1], ...).</summary>
    public string[]? WasiArgs { get; set; }

    /// <summary>WASI environment variables, each <c>NAME=value</c>.</summary>
    public string[]? Env { get; set; }

    /// <summary>Directories the guest can open, each <c>HOST::GUEST</c> (read-only) or <c>HOST::GUEST::rw</c>
    /// (<c>::ro</c> also accepted). HOST is relative to the project directory, or <c>{temp}</c>: a new empty directory
    /// for each probe run and each <c>Instantiate()</c>, deleted afterwards (the instance's <c>WasiDirectory(GUEST)</c>
    /// says where it is). GUEST is an absolute path, or <c>.</c>.</summary>
    public string[]? Dirs { get; set; }

    /// <summary>Text the guest reads from stdin (as UTF-8); without it (and <see cref="StdinBytes"/>) stdin is empty.</summary>
    public string? Stdin { get; set; }

    /// <summary>Bytes the guest reads from stdin, as hex (<c>"68 69 0a"</c>).</summary>
    public string? StdinBytes { get; set; }

    /// <summary>The exit code the guest's run must end with: a probe run whose guest calls <c>proc_exit</c> with
    /// another code (a C <c>main</c> returning it, or <c>exit()</c>) fails. Default 0 (returning normally also counts as 0).</summary>
    public int ExitCode { get; set; }

    /// <summary>How long a run may go without stopping before it fails as interrupted, in milliseconds (default 10 s).</summary>
    public int DeadlineMilliseconds { get; set; }

    /// <summary>True (default): each probe method becomes an xunit <c>[Fact]</c>. False: the generated test methods are
    /// plain public methods, for another test framework or to run probes from code (their failures throw
    /// <see cref="ProbeFailedException"/>).</summary>
    public bool GenerateFacts { get; set; } = true;
}

/// <summary>Instantiates another module into the store before the <see cref="WasmModuleAttribute"/> class's module,
/// and gives that module its exports as the import module <see cref="As"/> (C's <c>import_module("lib")</c>). Listed
/// in the project as a <c>WasmModule</c> item like the class's own module; <see cref="Path"/> names it as written there.
/// Repeatable: modules are linked in the order written, and each may import from the ones before it. The generator
/// checks at compile time that every import the module takes from <see cref="As"/> is exported there with the same
/// type. Probes stop in the class's own module; with coverage on, each linked module is reported as its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinkModuleAttribute(string path) : Attribute
{
    /// <summary>The linked module's path as listed in the project's <c>WasmModule</c> items.</summary>
    public string Path { get; } = path;

    /// <summary>The import module name the class's module uses for it; default: the file name without <c>.wasm</c>.</summary>
    public string? As { get; set; }
}

/// <summary>Stops the module's entry run before the instruction at <paramref name="pc"/> (module-relative byte offset
/// of the opcode, as <c>wasm-objdump -d</c> prints it) of a function, every time it is reached, and calls the method
/// with a typed view of the stop. The method may take the generated view type (<c>Class.Func_0xPC</c>), a
/// <see cref="WasmProbe.Debugging.DebugSession"/>, or nothing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BreakAtAttribute : Attribute
{
    /// <param name="function">A function name (name section, or export name) or a decimal index.</param>
    public BreakAtAttribute(string function, int pc)
    {
        Function = function;
        Pc = pc;
    }

    /// <param name="function">An index in the function index space (imports first).</param>
    public BreakAtAttribute(int function, int pc)
    {
        Function = function;
        Pc = pc;
    }

    public object Function { get; }
    public int Pc { get; }

    /// <summary>The linked module (<see cref="LinkModuleAttribute.As"/>) the function and pc are in; null (default):
    /// the class's own module.</summary>
    public string? Module { get; set; }

    /// <summary>Only this hit (1-based) is checked and passed to the method; 0 (default): every hit.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the breakpoint (or the hit given by <see cref="Hit"/>) is never reached.</summary>
    public bool Optional { get; set; }
}

/// <summary>Stops the module's entry run at every call of a function, before its first instruction (calls from wasm,
/// through tables and references, and from the host alike), and calls the method with a typed view of the stop
/// (<c>Class.Fib_Call</c>): its <c>Args</c> are the parameters as passed (names from the name section, <c>p0</c>, ...
/// otherwise), its <c>Locals</c> all locals. <c>Hit</c> counts calls.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnCallAttribute : Attribute
{
    /// <param name="function">A function name (name section, or export name) or a decimal index.</param>
    public OnCallAttribute(string function) => Function = function;

    /// <param name="function">An index in the function index space (imports first).</param>
    public OnCallAttribute(int function) => Function = function;

    public object Function { get; }

    /// <summary>Only this call (1-based) is checked and passed to the method; 0 (default): every call.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the function (or the call given by <see cref="Hit"/>) is never called.</summary>
    public bool Optional { get; set; }

    /// <summary>The linked module (<see cref="LinkModuleAttribute.As"/>) the function is in; null (default): the
    /// class's own module.</summary>
    public string? Module { get; set; }
}

/// <summary>Stops the module's entry run at every return of a function: before each <c>return</c>, the body's final
/// <c>end</c>, a branch to the function's own label that is taken, and a tail call out (see
/// <see cref="Wasm.Resolution.FunctionExits"/>). The view (<c>Class.Fib_Return</c>) has <c>Results.R0</c>, ... (the
/// values being returned; a tail call's are not known) and <c>Args</c> as they were at the call's entry.
/// <c>Hit</c> counts returns.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnReturnAttribute : Attribute
{
    /// <param name="function">A function name (name section, or export name) or a decimal index.</param>
    public OnReturnAttribute(string function) => Function = function;

    /// <param name="function">An index in the function index space (imports first).</param>
    public OnReturnAttribute(int function) => Function = function;

    public object Function { get; }

    /// <summary>Only this return (1-based) is checked and passed to the method; 0 (default): every return.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the function (or the return given by <see cref="Hit"/>) never returns.</summary>
    public bool Optional { get; set; }
}

/// <summary>Stops the module's entry run before every write that touches a byte of [<paramref name="address"/>,
/// <paramref name="address"/> + <paramref name="length"/>) of memory <see cref="Memory"/>: a store, <c>memory.fill</c>,
/// <c>memory.copy</c> or <c>memory.init</c>, from any function. The view (<c>Class.Write_0x400</c>; <c>Write_0x400_M1</c> in memory 1)
/// has the write's <c>Function</c>, <c>Pc</c>, <c>Address</c>, <c>Length</c>, <c>OldBytes</c> and <c>NewBytes</c>,
/// typed globals and memory; the guest is inside the write check, so there is no frame to show. The range must lie in
/// the memory's declared minimum size (32- or 64-bit).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BreakOnWriteAttribute : Attribute
{
    public BreakOnWriteAttribute(long address, long length)
    {
        Address = address;
        Length = length;
    }

    /// <param name="variable">A global source variable, or a path into one (<c>config.isInit</c>,
    /// <c>stock[2].qty</c>), found at compile time in the module's DWARF: its bytes are the range (view
    /// <c>Class.Write_config_isInit</c>).</param>
    public BreakOnWriteAttribute(string variable) => Variable = variable;

    public long Address { get; }
    public long Length { get; }
    public string? Variable { get; }

    /// <summary>Which memory (default 0).</summary>
    public int Memory { get; set; }

    /// <summary>Only this write (1-based) is checked and passed to the method; 0 (default): every write.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the range (or the write given by <see cref="Hit"/>) is never written.</summary>
    public bool Optional { get; set; }
}

/// <summary>Stops the module's entry run at the start of a source line, every time it is reached, and calls the method
/// with a typed view of the stop. The line is resolved at compile time, from the module's DWARF line table, to every pc
/// where an is_stmt row of that line starts (all inlined and duplicated copies; unreachable ones left out); a stop at
/// any of them is a hit, counted in execution order. The method may take the generated view type
/// (<c>Class.Sort_c_L33</c> for <c>("sort.c", 33)</c>), a <see cref="WasmProbe.Debugging.DebugSession"/>, or nothing.
/// When the line's code lies in several functions (inlining), the view is typed over what all its locations have in
/// common (see README, "Source lines").</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BreakAtLineAttribute : Attribute
{
    /// <param name="file">The source file as in the line table: a full path, a path suffix of whole segments
    /// (<c>"src/sum.c"</c>) or a file name (<c>"sum.c"</c>).</param>
    /// <param name="line">The 1-based line.</param>
    public BreakAtLineAttribute(string file, int line)
    {
        File = file;
        Line = line;
    }

    public string File { get; }
    public int Line { get; }

    /// <summary>The linked module (<see cref="LinkModuleAttribute.As"/>) whose DWARF has the file; null (default): the
    /// class's own module's, else the one linked module's that has it.</summary>
    public string? Module { get; set; }

    /// <summary>Only this hit (1-based, counted over all the line's locations) is checked and passed to the method; 0
    /// (default): every hit.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the line (or the hit given by <see cref="Hit"/>) is never reached.</summary>
    public bool Optional { get; set; }
}

public enum StepMode
{
    /// <summary>Step to the next instruction of this frame, running calls to completion (leaves to the caller at the end).</summary>
    Over,

    /// <summary>Step to the next instruction executed, entering calls.</summary>
    Into,
}

/// <summary>Stops at an instruction (its first hit, or <see cref="Hit"/>), then single-steps <see cref="Steps"/> times,
/// calling the method with a view of each stop: step 0 at the start, then after each step. The run then finishes
/// without further stops. Needs the debug instrumentation (slower than <see cref="BreakAtAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StepFromAttribute : Attribute
{
    public StepFromAttribute(string function, int pc)
    {
        Function = function;
        Pc = pc;
    }

    public StepFromAttribute(int function, int pc)
    {
        Function = function;
        Pc = pc;
    }

    public object Function { get; }
    public int Pc { get; }

    /// <summary>How many steps to take after the start (default 1).</summary>
    public int Steps { get; set; } = 1;

    public StepMode Mode { get; set; }

    /// <summary>Which hit of the start location begins stepping (default 1).</summary>
    public int Hit { get; set; } = 1;

    /// <summary>Do not fail when the start is never reached or the guest finishes before all steps are taken.</summary>
    public bool Optional { get; set; }

    /// <summary>The linked module (<see cref="LinkModuleAttribute.As"/>) the start function and pc are in; null
    /// (default): the class's own module.</summary>
    public string? Module { get; set; }

    /// <summary>Let the stops make their function return at once (the view's <c>Return(...)</c>/<c>ForceReturn</c>):
    /// the probe's debug build then catches returns in every function, which makes the guest's calls slower until the
    /// start is reached (see <see cref="Debugging.DebugSessionOptions.EarlyReturns"/>).</summary>
    public bool EarlyReturns { get; set; }
}

/// <summary>At the probe's stop, a local (parameters first, then declared locals) must equal <c>value</c>. The value
/// must convert to the local's type (checked at compile time): i32 takes int or uint, i64 long or ulong (or any
/// integer), f32 float (or an integer), f64 double, float or an integer, v128 a string of 16 hex bytes, references null.
/// On a <see cref="StepFromAttribute"/> method it is checked at the start (step 0).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectLocalAttribute : Attribute
{
    /// <param name="local">The local's name (name section).</param>
    public ExpectLocalAttribute(string local, object? value)
    {
        Local = local;
        Value = value;
    }

    /// <param name="local">The local's index.</param>
    public ExpectLocalAttribute(int local, object? value)
    {
        Local = local;
        Value = value;
    }

    public object Local { get; }
    public object? Value { get; }

    /// <summary>Check only at this hit (1-based); 0 (default): at every hit the probe checks.</summary>
    public int Hit { get; set; }
}

/// <summary>At the probe's stop, a source variable (from the module's DWARF) or a path into one must equal
/// <paramref name="value"/>: <c>n</c>, <c>it.qty</c>, <c>a[3]</c>, <c>p->next</c>, <c>*p</c>, <c>items[2].tag[0]</c>,
/// resolved in the innermost scope at the stop as <c>StackFrame.Variable</c> resolves it. Checked at compile time
/// against the variables in scope at every location of the probe: the path must fit their types, and the value
/// must convert to the type it ends at: an integer in the type's range (a <c>char</c> for C's char types), a float
/// or double it holds exactly, <c>true</c>/<c>false</c> for <c>bool</c>, an enumerator's name (or its value) for an
/// enum, an address or null for a pointer, a string for a C string (<c>char</c> array or pointer, compared up to its
/// NUL) or a Rust <c>&amp;str</c>. A variable the compiler kept no location for at the stop fails the check with
/// "unavailable" (never a guessed value). Only on [BreakAt], [BreakAtLine] and [StepFrom] (at the start) probes.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectVariableAttribute(string path, object? value) : Attribute
{
    public string Path { get; } = path;
    public object? Value { get; } = value;

    /// <summary>Check only at this hit (1-based); 0 (default): at every hit the probe checks.</summary>
    public int Hit { get; set; }
}

/// <summary>At the probe's stop, the operand stack value <paramref name="depth"/> slots below the top must equal
/// <paramref name="value"/>: depth 0 is the top of the stack (the stop view's <c>Stack.S0</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectStackAttribute(int depth, object? value) : Attribute
{
    public int Depth { get; } = depth;
    public object? Value { get; } = value;
    public int Hit { get; set; }
}

/// <summary>At an <see cref="OnCallAttribute"/> or <see cref="OnReturnAttribute"/> probe's stop, an argument of the call
/// (a parameter by name, from the name section, or by index) must equal <c>value</c>, converted at compile time to the
/// parameter's type by the rules of <see cref="ExpectLocalAttribute"/>. At a return it is the argument as passed at the
/// call's entry, whatever the function did to the parameter since.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectArgAttribute : Attribute
{
    public ExpectArgAttribute(string parameter, object? value)
    {
        Parameter = parameter;
        Value = value;
    }

    public ExpectArgAttribute(int parameter, object? value)
    {
        Parameter = parameter;
        Value = value;
    }

    public object Parameter { get; }
    public object? Value { get; }
    public int Hit { get; set; }
}

/// <summary>At an <see cref="OnReturnAttribute"/> probe's stop, result <paramref name="index"/> (0-based, the view's
/// <c>Results.R0</c>, ...) must equal <paramref name="value"/>, converted at compile time to the result's type. A return
/// by tail call fails it: its results are the callee's, not known at the stop.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectResultAttribute(int index, object? value) : Attribute
{
    public int Index { get; } = index;
    public object? Value { get; } = value;
    public int Hit { get; set; }
}

/// <summary>At the probe's stop, a global (by name, or index in the global index space) must equal the value.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectGlobalAttribute : Attribute
{
    public ExpectGlobalAttribute(string global, object? value)
    {
        Global = global;
        Value = value;
    }

    public ExpectGlobalAttribute(int global, object? value)
    {
        Global = global;
        Value = value;
    }

    public object Global { get; }
    public object? Value { get; }
    public int Hit { get; set; }
}

/// <summary>At the probe's stop, memory must hold these bytes at <paramref name="address"/>: hex pairs, optionally
/// separated by spaces ("2a 00 00 00"). The range must lie within the memory's declared minimum size.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectMemoryAttribute(long address, string bytes) : Attribute
{
    public long Address { get; } = address;
    public string Bytes { get; } = bytes;
    public int Hit { get; set; }

    /// <summary>Which memory (default 0).</summary>
    public int Memory { get; set; }
}

/// <summary>At the probe's stop, memory must hold <paramref name="value"/> (little-endian) at <paramref name="address"/>.
/// <typeparamref name="T"/>: byte, sbyte, short, ushort, int, uint, long, ulong, float or double.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectMemoryAttribute<T>(long address, T value) : Attribute
    where T : unmanaged
{
    public long Address { get; } = address;
    public T Value { get; } = value;
    public int Hit { get; set; }
    public int Memory { get; set; }
}

/// <summary>Stops the module's entry run before every <c>global.set</c> of a mutable global of a number type (by
/// name, or index in the global index space), from any function. The view (<c>Class.Global_calls_Write</c>) has the
/// write's <c>Function</c>, <c>Pc</c>, typed <c>OldValue</c> and <c>NewValue</c>, globals and memory; no frames.
/// <c>[BreakOnGlobalWrite("__stack_pointer")]</c> sees every frame a C guest pushes or pops.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BreakOnGlobalWriteAttribute : Attribute
{
    public BreakOnGlobalWriteAttribute(string global) => Global = global;

    public BreakOnGlobalWriteAttribute(int global) => Global = global;

    public object Global { get; }

    /// <summary>Only this write (1-based) is checked and passed to the method; 0 (default): every write.</summary>
    public int Hit { get; set; }

    /// <summary>Do not fail when the global (or the write given by <see cref="Hit"/>) is never written.</summary>
    public bool Optional { get; set; }
}

/// <summary>The probe's run must not write any byte of [<paramref name="address"/>, <paramref name="address"/> +
/// <paramref name="length"/>) of memory <see cref="Memory"/> (the range within its declared minimum size): each write that does fails the run, named by function, pc and the bytes it writes. <c>[ExpectNoWrite(0,
/// 1024)]</c> on a C guest catches writes through a null pointer (clang puts no data below 1024).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectNoWriteAttribute : Attribute
{
    public ExpectNoWriteAttribute(long address, long length)
    {
        Address = address;
        Length = length;
    }

    /// <param name="variable">A global source variable or a path into one, as <see cref="BreakOnWriteAttribute"/> takes it.</param>
    public ExpectNoWriteAttribute(string variable) => Variable = variable;

    public long Address { get; }
    public long Length { get; }
    public string? Variable { get; }
    public int Memory { get; set; }
}

/// <summary>The probe's run must end with the entry returning these results (in order; converted at compile time to
/// the entry's result types by the rules of <see cref="ExpectLocalAttribute"/>), not trapping or exiting. Needs
/// <see cref="WasmModuleAttribute.Entry"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ExpectFinishAttribute(params object?[] results) : Attribute
{
    public object?[] Results { get; } = results;
}

/// <summary>The probe's run must trap: with <see cref="Code"/> when given, a name from <see cref="Wasm.Model.TrapCodes"/>
/// (<c>"unreachable"</c>, <c>"integer_divide_by_zero"</c>, <c>"memory_out_of_bounds"</c>, ...), checked at compile time.
/// The probe's stops are checked as usual before the trap.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ExpectTrapAttribute : Attribute
{
    public ExpectTrapAttribute() { }

    public ExpectTrapAttribute(string code) => Code = code;

    public string? Code { get; }
}

/// <summary>Provides the import <paramref name="module"/>.<paramref name="name"/> for the class's probe runs and
/// <c>Instantiate()</c>. The method must be static, its parameters and return type those of the import (<c>int</c> for
/// i32, <c>long</c> for i64, <c>float</c> for f32, <c>double</c> for f64; <c>void</c> for no result), checked at
/// compile time. It may replace a WASI function. Calls during a probe run are recorded (<see cref="ImportCallLog"/>,
/// <see cref="ExpectImportCallsAttribute"/>). A definition of the same import in <c>ConfigureLinker</c> wins.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MockImportAttribute(string module, string name) : Attribute
{
    public string Module { get; } = module;
    public string Name { get; } = name;
}

/// <summary>The probe's run must call the import, provided by a <see cref="MockImportAttribute"/> method of the class,
/// exactly <paramref name="count"/> times.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ExpectImportCallsAttribute(string module, string name, int count) : Attribute
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public int Count { get; } = count;
}
