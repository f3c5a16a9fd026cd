namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>The size of the hot row's description text, the value a row-based log copies on every rewrite.</summary>
public sealed record TextSize(string Name, int Bytes)
{
    /// <summary>An empty description ('' rather than NULL).</summary>
    public static readonly TextSize Empty = new("0B", 0);

    /// <summary>1 KB: stored inline by both engines.</summary>
    public static readonly TextSize OneKb = new("1KB", 1024);

    /// <summary>10 KB: TOASTed by PostgreSQL.</summary>
    public static readonly TextSize TenKb = new("10KB", 10 * 1024);

    /// <summary>50 KB: the incident's typical spam description.</summary>
    public static readonly TextSize FiftyKb = new("50KB", 50 * 1024);

    /// <summary>100 KB: the incident's largest rows.</summary>
    public static readonly TextSize HundredKb = new("100KB", 100 * 1024);

    /// <summary>Every size the catalog measures, smallest first.</summary>
    public static IReadOnlyList<TextSize> All { get; } = [Empty, OneKb, TenKb, FiftyKb, HundredKb];

    /// <inheritdoc />
    public override string ToString() => Name;
}
