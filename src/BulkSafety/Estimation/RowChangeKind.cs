namespace BulkSafety.Estimation;

/// <summary>What a statement does to a row.</summary>
public enum RowChangeKind
{
    /// <summary>An INSERT: the row's values are logged as an after image.</summary>
    Insert,

    /// <summary>An UPDATE: the stored values are the before image, the new values the after image.</summary>
    Update,

    /// <summary>A DELETE: the stored values are the before image.</summary>
    Delete,
}
