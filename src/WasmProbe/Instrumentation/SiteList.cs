namespace WasmProbe.Instrumentation;

/// <summary>The sites found so far, in an array that grows only if the first guess of their number was short.</summary>
internal sealed class SiteList(int capacity)
{
    public ProbeSite[] Items { get; private set; } = new ProbeSite[Math.Max(capacity, 1)];
    public int Count { get; private set; }

    public ProbeSite this[int index] => Items[index];

    public ProbeSite Last => Items[Count - 1];

    public void Add(ProbeSite site)
    {
        if (Count == Items.Length)
        {
            var grown = new ProbeSite[Items.Length * 2];
            Array.Copy(Items, grown, Count);
            Items = grown;
        }
        Items[Count++] = site;
    }
}
