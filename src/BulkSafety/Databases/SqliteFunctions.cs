namespace BulkSafety.Databases;

/// <summary>
/// The SQLite functions a probe may evaluate: SQLite's own functions that only compute a value (core, aggregate,
/// window, date and time, math, JSON), and those EF Core's SQLite provider registers on every connection for its own
/// translations (pure arithmetic and comparisons). Not on it: <c>load_extension</c> and <c>fts3_tokenizer</c>, which
/// change the connection; <c>random</c> and <c>randomblob</c>, whose values differ between the probe and the statement, so
/// that the probe's count would not be the statement's; and every function the application defines — unless the name is
/// EF Core's.
/// </summary>
internal static class SqliteFunctions
{
    /// <summary>
    /// Functions EF Core's SQLite provider defines on the connection (application-defined to SQLite), by names no one
    /// else uses. Not <c>regexp</c>, which EF Core defines too: SQLite has none, so applications define their own — and
    /// one defined after EF Core's replaces it.
    /// </summary>
    public static readonly IReadOnlySet<string> EfCoreFunctions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ef_add", "ef_avg", "ef_compare", "ef_divide", "ef_max", "ef_min", "ef_mod", "ef_multiply", "ef_negate", "ef_sum",
    };

    private static readonly HashSet<string> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        // Core scalar functions.
        "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr",
        "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length",
        "printf", "quote", "replace", "round", "rtrim", "sign", "soundex", "sqlite_compileoption_get",
        "sqlite_compileoption_used", "sqlite_source_id", "sqlite_version", "substr", "substring", "total_changes", "trim",
        "typeof", "unhex", "unicode", "unlikely", "upper", "zeroblob",

        // Aggregate and window functions.
        "avg", "count", "group_concat", "string_agg", "sum", "total", "row_number", "rank", "dense_rank", "percent_rank",
        "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",

        // Date and time.
        "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",

        // Math.
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp", "floor",
        "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",

        // JSON (the -> and ->> operators are functions to the authorizer).
        "json", "jsonb", "json_array", "jsonb_array", "json_array_length", "json_error_position", "json_extract", "jsonb_extract",
        "json_insert", "jsonb_insert", "json_object", "jsonb_object", "json_patch", "jsonb_patch", "json_pretty", "json_remove",
        "jsonb_remove", "json_replace", "jsonb_replace", "json_set", "jsonb_set", "json_type", "json_valid", "json_quote",
        "json_group_array", "jsonb_group_array", "json_group_object", "jsonb_group_object", "json_each", "json_tree", "->", "->>",
    };

    /// <summary>Whether a probe may call <paramref name="name"/>, given the names the application defines on the connection.</summary>
    public static bool IsAllowed(string name, IReadOnlySet<string> applicationDefined)
        => EfCoreFunctions.Contains(name) || (BuiltIn.Contains(name) && !applicationDefined.Contains(name));
}
