using WasmProbe.Probes;

namespace CGuest;

// The C variables (a, n, i, key, j) are read by name and typed at compile time: WasmProbe evaluates their DWARF
// locations at each stop, wherever the compiler put them (here, -O0, in insertion_sort's stack frame in linear memory).
// pcs from the DWARF line table (session.Dwarf.ResolveLine("sort.c", line)):
//   0x2d5  line 33  a[j + 1] = a[j];   (once per shift)
//   0x34b  line 36  a[j + 1] = key;    (once per element after the first)
[WasmModule("guest/sort-O0.wasm", Entry = "_start", Wasi = true)]
public partial class SortProbes
{
    // A watch named by a source variable, found in the DWARF at compile time: musl's stdout buffer (wasi-libc's
    // stdout.c: static unsigned char buf[1032], used from buf + 8, after room for ungetc). printf writes each line
    // into it from the start, then flushes it.
    [BreakOnWrite("buf[8]")]
    public void Each_line_printf_writes_starts_the_stdout_buffer_again(Write_buf_8_ stop)
    {
        stop.Length.ShouldBeGreaterThanOrEqualTo(1);
        stop.NewBytes[0].ShouldBe((byte)(stop.Hit == 1 ? '1' : 's'), $"write {stop.Hit} by {stop.FunctionName}"); // "1 2 3 5 7 9 \n", then "sum=27\n"
    }

    [BreakOnWrite("buf[8]", Hit = 2)]
    public void The_second_line_overwrites_the_flushed_first(Write_buf_8_ stop)
    {
        stop.OldBytes[0].ShouldBe((byte)'1');
        stop.NewBytes[0].ShouldBe((byte)'s');
    }

    // stop.Variables is typed from the DWARF at compile time: int key, int j, and a (int *) as a pointer view whose
    // indexer is C's pointer arithmetic.
    [BreakAt("insertion_sort", 0x2d5)]
    public void A_shift_moves_a_bigger_element_right(Insertion_sort_0x2d5 stop)
    {
        var v = stop.Variables;
        v.a[v.j].ShouldBeGreaterThan(v.key);
    }

    [BreakAt("insertion_sort", 0x34b)]
    public void After_the_shifts_the_prefix_is_sorted_around_the_gap(Insertion_sort_0x34b stop)
    {
        var v = stop.Variables;
        int gap = v.j + 1;
        for (int k = 0; k < v.i; k++)
        {
            if (k == gap) continue;
            if (k < gap) v.a[k].ShouldBeLessThanOrEqualTo(v.key);
            else v.a[k].ShouldBeGreaterThan(v.key);
        }
        stop.Hit.ShouldBe(v.i);
    }

    // The same line by its source position: resolved at compile time from the DWARF line table.
    [BreakAtLine("sort.c", 33)]
    public void Line_33_shifts_once_per_inversion(Sort_c_L33 stop)
    {
        stop.FunctionName.ShouldBe("insertion_sort");
        stop.Pc.ShouldBe(0x2d5);
        stop.Variable($"a[{stop.Variables.j}]").AsInteger().ShouldBeGreaterThan(stop.Variables.key); // or by path, untyped
        stop.Hit.ShouldBeInRange(1, 8);
    }

    // Declarative: each path is checked at compile time against the variables in scope at line 36 (a name not in
    // scope, a step the type does not allow or a value the type cannot hold is a build error), then read at the stop.
    // Input 5, 2, 9, 1, 7, 3: the first pass takes key 2 and shifts 5 right, leaving the gap at a[0].
    [BreakAtLine("sort.c", 36)]
    [ExpectVariable("n", 6)]
    [ExpectVariable("i", 1, Hit = 1)]
    [ExpectVariable("key", 2, Hit = 1)]
    [ExpectVariable("j", -1, Hit = 1)]
    [ExpectVariable("a[1]", 5, Hit = 1)]
    [ExpectVariable("key", 9, Hit = 2)]
    [ExpectVariable("*a", 2, Hit = 2)]
    public void Each_pass_leaves_the_gap_where_the_key_belongs()
    {
    }
}

// -O2: insertion_sort is inlined into main, where clang keeps no location for its variables at line 33: they are
// unavailable (reading one throws, saying why; `trace --vars` shows "<optimized out>"), never a stale or guessed value.
// [ExpectVariable("j", ...)] here does not compile: WP0042, the compiler kept no location for 'j' at sort.c:33.
[WasmModule("guest/sort-O2.wasm", Entry = "_start", Wasi = true)]
public partial class OptimizedSortProbes
{
    [BreakAtLine("sort.c", 33)]
    public void At_O2_the_variables_of_a_shift_are_unavailable(Sort_c_L33 stop)
    {
        stop.Frames[0].Variables.Select(v => v.Name).ShouldBe(["key", "j", "i", "a", "n"]);
        stop.Frames[0].Variables.ShouldAllBe(v => !v.IsAvailable);
        Should.Throw<InvalidOperationException>(() => stop.Variables.j).Message.ShouldStartWith("j (int) is not an available integer: no location at pc 0x");
    }
}
