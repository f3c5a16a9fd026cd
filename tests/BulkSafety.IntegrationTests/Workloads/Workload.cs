namespace BulkSafety.IntegrationTests.Workloads;

/// <summary>
/// A named, reproducible write workload for one engine: statements that build its tables and rows, statements that warm
/// the pages up, and the statements whose log bytes are measured. Every statement runs as its own autocommit
/// transaction, as an ORM issues them.
/// </summary>
public sealed record Workload(
    string Name,
    WorkloadShape Shape,
    TextSize Text,
    string Schema,
    IReadOnlyList<string> Setup,
    IReadOnlyList<string> Warmup,
    IReadOnlyList<string> Measured)
{
    /// <summary>The number of child posts (and the parent's <c>posts_count</c>) every setup creates.</summary>
    public const int Children = 10;

    /// <summary>The number of memberships every setup creates.</summary>
    public const int Memberships = 5;

    /// <inheritdoc />
    public override string ToString() => Name;
}
