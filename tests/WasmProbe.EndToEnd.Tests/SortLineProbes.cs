using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// [BreakAtLine] probes over the C guest of examples/CGuest (guests/sort-O0.wasm and sort-O2.wasm are copies of its
// guest/ builds of sort.c). main sorts 5, 2, 9, 1, 7, 3 by insertion: line 33 `a[j + 1] = a[j];` runs once per
// inversion (8 times), line 36 `a[j + 1] = key;` and line 30 `int key = a[i];` once per element after the first (5).
// At -O0 clang keeps insertion_sort's C variables in its frame in linear memory; local4 holds the frame's address:
// a at +28, i at +20, key at +16, j at +12. Locals of clang's output are unnamed (local0 = a, local1 = n).
[WasmModule("guests/sort-O0.wasm", Entry = "_start", Wasi = true)]
public partial class SortLineProbes
{
    private readonly List<(int Hit, int Moved)> _shifts = [];

    [BreakAtLine("sort.c", 33)]
    [ExpectLocal("local1", 6)]
    public void A_shift_moves_a_bigger_element_right(SortLineProbes.Sort_c_L33 stop)
    {
        var (a, i, key, j) = Variables(stop.Memory, stop.Locals.local4);
        int moved = stop.Memory.ReadInt32(a + 4 * j);
        moved.ShouldBeGreaterThan(key);
        j.ShouldBeLessThan(i);
        stop.Stack.Count.ShouldBe(0);
        (stop.FunctionName, stop.Pc, stop.Line).ShouldBe(("insertion_sort", 0x2d5, 33));
        stop.Source!.Position.ShouldBe("/cguest/sort.c:33:24");
        _shifts.Add((stop.Hit, moved));
    }

    [Fact]
    public void Line_33_is_hit_once_per_inversion_in_execution_order()
    {
        A_shift_moves_a_bigger_element_right_WasmProbe();
        _shifts.ShouldBe([(1, 5), (2, 9), (3, 5), (4, 2), (5, 9), (6, 9), (7, 7), (8, 5)]);
    }

    // i = 3: key 1 shifts 9, then 5 (this stop, j = 1), then 2.
    [BreakAtLine("sort.c", 33, Hit = 3)]
    public void The_third_shift_moves_5_to_make_room_for_1(Sort_c_L33 stop)
    {
        var (a, i, key, j) = Variables(stop.Memory, stop.Locals.local4);
        (i, key, j).ShouldBe((3, 1, 1));
        stop.Memory.ReadInt32(a + 4 * j).ShouldBe(5);
    }

    [BreakAtLine("sort.c", 36)]
    public void After_the_shifts_the_prefix_is_sorted_around_the_gap(Sort_c_L36 stop)
    {
        var (a, i, key, j) = Variables(stop.Memory, stop.Locals.local4);
        for (int k = 0; k <= i; k++)
        {
            if (k == j + 1) continue;
            int value = stop.Memory.ReadInt32(a + 4 * k);
            if (k <= j) value.ShouldBeLessThanOrEqualTo(key);
            else value.ShouldBeGreaterThan(key);
        }
        stop.Hit.ShouldBe(i); // once per element after the first
    }

    private static (int A, int I, int Key, int J) Variables(WasmProbe.Inspection.MemoryAccess memory, int frame) =>
        (memory.ReadInt32(frame + 28), memory.ReadInt32(frame + 20), memory.ReadInt32(frame + 16), memory.ReadInt32(frame + 12));
}

// At -O2 insertion_sort is inlined into main (__original_main) and also kept out of line (it is `used`), so its lines
// start in both functions; only main's copy runs. In main's copy, local7 is key and local2 the address of a[j].
[WasmModule("guests/sort-O2.wasm", Entry = "_start", Wasi = true)]
public partial class InlinedSortLineProbes
{
    private readonly List<int> _keys = [];

    // Line 33 starts at insertion_sort+0x1e2 and __original_main+0x333, both before `i32.add` with [&a[j], 4] on the
    // stack: the view types S0 and S1 (no common locals: they are unnamed).
    [BreakAtLine("sort.c", 33)]
    [ExpectStack(0, 4)]
    public void The_inlined_shift_has_a_typed_stack(Sort_c_L33 stop)
    {
        stop.FunctionName.ShouldBe("__original_main");
        stop.Source!.Function.ShouldBe("insertion_sort"); // the inlined function, from the DWARF
        int key = stop.Frames[0].Locals[7].AsInt32();
        stop.Memory.ReadInt32(stop.Stack.S1).ShouldBeGreaterThan(key);
        stop.Stack.S0.ShouldBe(4);
    }

    // Line 30 starts at insertion_sort+0x1bd (stack [i32, i32, i32]) and __original_main+0x307 (empty stack): the
    // stacks differ, so the view's stack is untyped.
    [BreakAtLine("sort.c", 30)]
    public void Each_element_after_the_first_is_taken_as_key(Sort_c_L30 stop)
    {
        (stop.FunctionName, stop.Pc).ShouldBe(("__original_main", 0x307));
        stop.Stack.Count.ShouldBe(0);
        _keys.Add(stop.Hit);
    }

    [Fact]
    public void Line_30_is_hit_five_times_across_its_two_locations()
    {
        Each_element_after_the_first_is_taken_as_key_WasmProbe();
        _keys.ShouldBe([1, 2, 3, 4, 5]);
    }
}
