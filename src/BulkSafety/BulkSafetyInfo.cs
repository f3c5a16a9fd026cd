namespace BulkSafety;

/// <summary>Facts about the BulkSafety package shared by the runtime guard and its reports.</summary>
public static class BulkSafetyInfo
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and the logging category prefix.</summary>
    public const string Name = "BulkSafety";
}
