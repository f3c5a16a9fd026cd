using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// Whether a piece of MySQL/MariaDB text may be evaluated by a probe: every function it calls is a built-in on
/// <see cref="BuiltIn"/> — one that only computes a value — and it holds no syntax that changes anything. MySQL has no
/// user-defined operators or casts, so a call is the only way to run code: a name followed by <c>(</c>. Not on the list:
/// stored functions and UDFs (any other name, a quoted name, a qualified <c>db.f(…)</c>, or a built-in's name written
/// with a space before the parenthesis, which may resolve to a stored function); <c>SLEEP</c>, <c>BENCHMARK</c>,
/// <c>GET_LOCK</c>/<c>RELEASE_LOCK</c> (locks outlive a rollback), <c>LOAD_FILE</c>, <c>MASTER_POS_WAIT</c>,
/// <c>LAST_INSERT_ID</c> (with an argument it sets the session's value), <c>NEXTVAL</c>/<c>SETVAL</c>/<c>LASTVAL</c>,
/// and <c>RAND</c>/<c>UUID</c>, whose values differ between the probe and the statement. Refused syntax: <c>:=</c>
/// (assigns a user variable), <c>INTO</c> (<c>INTO @var</c>, <c>INTO OUTFILE</c>), <c>NEXT</c>/<c>PREVIOUS VALUE FOR</c>
/// (sequences), <c>FOR UPDATE</c> and <c>LOCK IN SHARE MODE</c> (locks kept until the caller's transaction ends),
/// <c>PROCEDURE</c>, and every word that starts a statement that writes.
/// </summary>
internal static class MySqlCalls
{
    private static readonly HashSet<string> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        // Strings.
        "ascii", "bin", "bit_length", "char", "char_length", "character_length", "chr", "concat", "concat_ws", "elt", "export_set",
        "field", "find_in_set", "format", "from_base64", "hex", "insert", "instr", "lcase", "left", "length", "lengthb", "locate",
        "lower", "lpad", "ltrim", "make_set", "mid", "oct", "octet_length", "ord", "position", "quote", "repeat", "replace",
        "reverse", "right", "rpad", "rtrim", "soundex", "space", "strcmp", "substr", "substring", "substring_index", "to_base64",
        "trim", "ucase", "unhex", "upper", "regexp_replace", "regexp_instr", "regexp_substr", "natural_sort_key",
        "weight_string", "convert", "cast", "charset", "collation", "coercibility", "md5", "sha", "sha1", "sha2", "crc32",

        // Numbers.
        "abs", "acos", "asin", "atan", "atan2", "ceil", "ceiling", "conv", "cos", "cot", "degrees", "exp", "floor", "greatest",
        "least", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "round", "sign", "sin", "sqrt", "tan",
        "truncate", "bit_count",

        // Dates and times.
        "adddate", "addtime", "convert_tz", "curdate", "current_date", "current_time", "current_timestamp", "curtime", "date",
        "datediff", "date_add", "date_format", "date_sub", "day", "dayname", "dayofmonth", "dayofweek", "dayofyear", "extract",
        "from_days", "from_unixtime", "get_format", "hour", "last_day", "localtime", "localtimestamp", "makedate", "maketime",
        "microsecond", "minute", "month", "monthname", "now", "period_add", "period_diff", "quarter", "second", "sec_to_time",
        "str_to_date", "subdate", "subtime", "sysdate", "time", "timediff", "timestamp", "timestampadd", "timestampdiff",
        "time_format", "time_to_sec", "to_days", "to_seconds", "unix_timestamp", "utc_date", "utc_time", "utc_timestamp", "week",
        "weekday", "weekofyear", "year", "yearweek",

        // Control flow and NULLs.
        "if", "ifnull", "nullif", "coalesce", "isnull", "nvl", "nvl2", "interval",

        // Aggregates and window functions.
        "avg", "bit_and", "bit_or", "bit_xor", "count", "group_concat", "json_arrayagg", "json_objectagg", "max", "min", "std",
        "stddev", "stddev_pop", "stddev_samp", "sum", "var_pop", "var_samp", "variance", "row_number", "rank", "dense_rank",
        "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",

        // JSON.
        "json_array", "json_array_append", "json_array_insert", "json_compact", "json_contains", "json_contains_path",
        "json_depth", "json_detailed", "json_equals", "json_exists", "json_extract", "json_insert", "json_keys", "json_length",
        "json_loose", "json_merge", "json_merge_patch", "json_merge_preserve", "json_normalize", "json_object", "json_overlaps",
        "json_query", "json_quote", "json_remove", "json_replace", "json_search", "json_set", "json_type", "json_unquote",
        "json_valid", "json_value",

        // Network addresses, the session's database.
        "inet_aton", "inet_ntoa", "inet6_aton", "inet6_ntoa", "is_ipv4", "is_ipv6", "database", "schema",

        // Types with a length, as CAST and CONVERT name them (reserved words: no function can be called by them).
        "binary", "decimal", "dec", "numeric", "double", "float", "int", "integer", "signed", "unsigned", "datetime", "nchar", "varchar",
    };

    // Words that are syntax, not calls, when a parenthesis follows them (MATCH … AGAINST is full-text search).
    private static readonly HashSet<string> Syntax = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "and", "any", "as", "between", "by", "case", "distinct", "div", "else", "escape", "except", "exists", "from",
        "group", "having", "in", "index", "intersect", "is", "join", "key", "lateral", "like", "limit", "not", "on", "or",
        "order", "over", "partition", "regexp", "rlike", "row", "select", "some", "then", "union", "using", "values", "when",
        "where", "xor", "offset", "match", "against",
    };

    // Words that change something wherever they appear in a predicate (a statement that writes cannot be nested in
    // MySQL's expressions: DELETE, INSERT and REPLACE are here only to be sure).
    private static readonly HashSet<string> Refused = new(StringComparer.OrdinalIgnoreCase)
    {
        "into", "update", "lock", "procedure", "outfile", "dumpfile", "delete", "insert", "replace",
    };

    /// <summary>Why a probe may not evaluate <paramref name="tokens"/> of <paramref name="sql"/>; <see langword="null"/> when it may.</summary>
    public static string? Refusal(string sql, IReadOnlyList<SqlToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var calls = i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '(');
            if (token.IsSymbol(sql, ':') && i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '=') && tokens[i + 1].Start == token.End)
            {
                return "it assigns a user variable (:=)";
            }

            if (token.Kind == SqlTokenKind.QuotedIdentifier && calls)
            {
                return $"it calls {token.Text(sql)}(), a quoted name, which only a stored function has";
            }

            if (token.Kind != SqlTokenKind.Word)
            {
                continue;
            }

            var name = token.Text(sql).ToString();
            if (!calls)
            {
                var sequence = name.Equals("NEXT", StringComparison.OrdinalIgnoreCase) || name.Equals("PREVIOUS", StringComparison.OrdinalIgnoreCase);
                if (Refused.Contains(name) || (sequence && i + 1 < tokens.Count && tokens[i + 1].IsWord(sql, "VALUE")))
                {
                    return $"it holds {name.ToUpperInvariant()}, which changes something when it is evaluated";
                }

                continue;
            }

            if (Syntax.Contains(name) || (i > 0 && tokens[i - 1].IsWord(sql, "AS")))
            {
                continue;
            }

            if (i > 0 && tokens[i - 1].IsSymbol(sql, '.'))
            {
                return $"it calls {name}() of another database, a stored function";
            }

            if (!BuiltIn.Contains(name))
            {
                return $"it calls {name}(), which is not known to be free of side effects (only built-in functions that compute a value are evaluated)";
            }

            if (tokens[i + 1].Start != token.End)
            {
                return $"it calls {name} with a space before the parenthesis, where a stored function of that name may run";
            }
        }

        return null;
    }

    /// <summary>The names in <paramref name="tokens"/> that may name a table or view, folded to lower case.</summary>
    public static HashSet<string> Names(string sql, IEnumerable<SqlToken> tokens)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                names.Add(SqlName.Of(sql, token, SqlLexicon.MySql).Value.ToLowerInvariant());
            }
        }

        return names;
    }
}
