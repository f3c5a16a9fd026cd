namespace BulkSafety.Analyzers;

/// <summary>
/// The stable IDs of BulkSafety's rules. An ID is never reused. Ranges: 1xxx bulk writes done one entity at a
/// time, 2xxx write amplification through the model, 3xxx schema width.
/// </summary>
public static class DiagnosticIds
{
    public const string PerEntityDeleteLoop = "BS1001";
    public const string SaveChangesInLoop = "BS1002";
    public const string PerEntityUpdateLoop = "BS1003";
    public const string CascadeWriteAmplification = "BS2001";
    public const string ParentRewrittenPerChild = "BS2002";
    public const string UnboundedColumnOnHotRow = "BS3001";
    public const string UnboundedColumn = "BS3002";
}
