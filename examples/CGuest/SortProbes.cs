using WasmProbe.Probes;

namespace CGuest;

// At -O0, clang keeps insertion_sort's C variables in its stack frame in linear memory; wasm local 4 holds the frame
// address: a at +28, n at +24, i at +20, key at +16, j at +12 (see `wasmprobe disasm guest/sort-O0.wasm --func insertion_sort`).
// pcs from the DWARF line table (session.Dwarf.ResolveLine("sort.c", line)):
//   0x2d5  line 33  a[j + 1] = a[j];   (once per shift)
//   0x34b  line 36  a[j + 1] = key;    (once per element after the first)
[WasmModule("guest/sort-O0.wasm", Entry = "_start", Wasi = true)]
public partial class SortProbes
{
    [BreakAt("insertion_sort", 0x2d5)]
    public void A_shift_moves_a_bigger_element_right(Insertion_sort_0x2d5 stop)
    {
        var (a, key, j) = Variables(stop.Memory, stop.Locals.local4);
        stop.Memory.ReadInt32(a + 4 * j).ShouldBeGreaterThan(key);
    }

    [BreakAt("insertion_sort", 0x34b)]
    public void After_the_shifts_the_prefix_is_sorted_around_the_gap(Insertion_sort_0x34b stop)
    {
        var (a, key, j) = Variables(stop.Memory, stop.Locals.local4);
        int i = stop.Memory.ReadInt32(stop.Locals.local4 + 20);
        for (int k = 0; k < i; k++)
        {
            if (k == j + 1) continue;
            int left = stop.Memory.ReadInt32(a + 4 * k);
            if (k <= j) left.ShouldBeLessThanOrEqualTo(key);
            else left.ShouldBeGreaterThan(key);
        }
        stop.Hit.ShouldBe(i);
    }

    // The same line by its source position: resolved at compile time from the DWARF line table.
    [BreakAtLine("sort.c", 33)]
    public void Line_33_shifts_once_per_inversion(Sort_c_L33 stop)
    {
        stop.FunctionName.ShouldBe("insertion_sort");
        stop.Pc.ShouldBe(0x2d5);
        var (a, key, j) = Variables(stop.Memory, stop.Locals.local4);
        stop.Memory.ReadInt32(a + 4 * j).ShouldBeGreaterThan(key);
        stop.Hit.ShouldBeInRange(1, 8);
    }

    private static (int A, int Key, int J) Variables(WasmProbe.Inspection.MemoryAccess memory, int frame) =>
        (memory.ReadInt32(frame + 28), memory.ReadInt32(frame + 16), memory.ReadInt32(frame + 12));
}
