namespace BulkSafety.Sql;

/// <summary>How the guard can treat a raw statement that may change existing rows.</summary>
internal enum RawWriteShape
{
    /// <summary>A DELETE or UPDATE, read by <see cref="BulkStatement"/> and priced from a probe.</summary>
    DeleteOrUpdate,

    /// <summary>A TRUNCATE: a delete of every row of its table.</summary>
    Truncate,

    /// <summary>A statement that changes rows the guard cannot count before it runs: always unknown cost.</summary>
    Unpriceable,
}

/// <summary>A raw statement that may change existing rows: its shape and, for reports, what it is.</summary>
internal sealed record RawWrite(RawWriteShape Shape, string Description)
{
    // Words without which a text cannot change existing rows; a text holding none is answered without tokenizing.
    private static readonly string[] WriteWords = ["DELETE", "UPDATE", "TRUNCATE", "MERGE", "REPLACE", "CALL", "COPY", "DO", "EXECUTE", "LOAD", "HANDLER", "PREPARE", "INSERT", "ANALYZE"];

    /// <summary>
    /// Whether a raw command may change existing rows, and how: a statement that starts with DELETE, UPDATE or TRUNCATE;
    /// an upsert (<c>INSERT … ON CONFLICT … DO UPDATE</c>, <c>ON DUPLICATE KEY UPDATE</c>, <c>INSERT OR REPLACE</c>),
    /// <c>REPLACE</c>, <c>MERGE</c>, <c>DO</c>, <c>CALL</c>, <c>EXECUTE</c> (of a statement prepared out of sight), a
    /// <c>PREPARE</c>, <c>COPY</c> or <c>EXPLAIN ANALYZE</c> (MariaDB: <c>ANALYZE</c>) of a write, or a <c>WITH</c> whose body writes (<c>FOR
    /// UPDATE</c> locks do not count); on MySQL also <c>LOAD DATA</c>/<c>LOAD XML</c>, <c>HANDLER</c>, any <c>PREPARE</c>
    /// (its statement is a string or a variable the guard does not read) and <c>INSERT … SELECT</c> (rows it cannot count
    /// before it runs). <see langword="null"/> for everything else:
    /// queries, plain INSERTs, DDL. Several statements are judged as one write when any of them writes; a text that does
    /// not tokenize, but holds a write word, is taken to write.
    /// </summary>
    public static RawWrite? Classify(string sql, SqlLexicon lexicon)
    {
        if (!ContainsWriteWord(sql))
        {
            return null;
        }

        if (SqlTokenizer.Tokenize(sql, lexicon) is not { } tokens)
        {
            return new RawWrite(RawWriteShape.Unpriceable, "a statement the guard cannot tokenize");
        }

        RawWrite? found = null;
        var statements = 0;
        var start = 0;
        for (var i = 0; i <= tokens.Count; i++)
        {
            if (i < tokens.Count && !(tokens[i].Depth == 0 && tokens[i].IsSymbol(sql, ';')))
            {
                continue;
            }

            if (i > start)
            {
                statements++;
                found ??= ClassifyStatement(sql, tokens, start, i, lexicon);
            }

            start = i + 1;
        }

        return found is { Shape: not RawWriteShape.Unpriceable } && statements > 1
            ? new RawWrite(RawWriteShape.Unpriceable, "a command of more than one statement")
            : found;
    }

    private static RawWrite? ClassifyStatement(string sql, List<SqlToken> tokens, int start, int end, SqlLexicon lexicon)
    {
        var first = tokens[start];
        if (first.IsWord(sql, "DELETE") || first.IsWord(sql, "UPDATE"))
        {
            return new RawWrite(RawWriteShape.DeleteOrUpdate, first.Text(sql).ToString().ToUpperInvariant());
        }

        if (first.IsWord(sql, "TRUNCATE"))
        {
            return new RawWrite(RawWriteShape.Truncate, "TRUNCATE");
        }

        var writes = FirstWriteInside(sql, tokens, start + 1, end);
        return first switch
        {
            _ when first.IsWord(sql, "MERGE") => Unpriceable("a MERGE"),
            _ when first.IsWord(sql, "REPLACE") => Unpriceable("a REPLACE (it deletes the rows it conflicts with)"),
            _ when first.IsWord(sql, "DO") => Unpriceable("a DO block"),
            _ when first.IsWord(sql, "CALL") => Unpriceable("a CALL of a procedure"),
            _ when first.IsWord(sql, "EXECUTE") => Unpriceable("an EXECUTE of a prepared statement, whose text the guard does not see"),
            _ when lexicon.IsMySql && first.IsWord(sql, "PREPARE") => Unpriceable("a PREPARE, whose statement is a string or variable the guard does not read"),
            _ when lexicon.IsMySql && first.IsWord(sql, "LOAD") => Unpriceable("a LOAD DATA or LOAD XML, whose rows the guard cannot count before it runs"),
            _ when lexicon.IsMySql && first.IsWord(sql, "HANDLER") => Unpriceable("a HANDLER, which reads a table outside the statements the guard sees"),
            _ when lexicon.IsMySql && first.IsWord(sql, "INSERT") && UpsertOf(sql, tokens, start, end) is null && InsertsSelected(sql, tokens, start, end) => Unpriceable("an INSERT … SELECT, whose rows the guard cannot count before it runs"),
            _ when first.IsWord(sql, "PREPARE") && writes is not null => Unpriceable($"a PREPARE of a data-modifying statement ({writes}), which an EXECUTE would run"),
            _ when first.IsWord(sql, "INSERT") => UpsertOf(sql, tokens, start, end),
            _ when first.IsWord(sql, "COPY") && writes is not null => Unpriceable($"a COPY of a data-modifying statement ({writes})"),
            _ when first.IsWord(sql, "EXPLAIN") && writes is not null && HasWord(sql, tokens, start, end, "ANALYZE", "ANALYSE") => Unpriceable($"an EXPLAIN ANALYZE, which runs the {writes}"),
            _ when first.IsWord(sql, "ANALYZE") && writes is not null => Unpriceable($"an ANALYZE of a statement (MariaDB), which runs the {writes}"),
            _ when first.IsWord(sql, "WITH") && writes is not null => Unpriceable($"a WITH whose body writes ({writes})"),
            _ => null,
        };
    }

    // INSERT ... ON CONFLICT ... DO UPDATE, INSERT ... ON DUPLICATE KEY UPDATE and SQLite's INSERT OR REPLACE change
    // existing rows; a plain INSERT or ON CONFLICT DO NOTHING only adds rows.
    private static RawWrite? UpsertOf(string sql, List<SqlToken> tokens, int start, int end)
    {
        if (start + 2 < end && tokens[start + 1].IsWord(sql, "OR") && tokens[start + 2].IsWord(sql, "REPLACE"))
        {
            return Unpriceable("an INSERT OR REPLACE (it deletes the rows it conflicts with)");
        }

        for (var i = start + 1; i + 1 < end; i++)
        {
            if (tokens[i].IsWord(sql, "DO") && tokens[i + 1].IsWord(sql, "UPDATE"))
            {
                return Unpriceable("an upsert (INSERT … ON CONFLICT … DO UPDATE)");
            }

            if (tokens[i].IsWord(sql, "KEY") && tokens[i + 1].IsWord(sql, "UPDATE") && i > start && tokens[i - 1].IsWord(sql, "DUPLICATE"))
            {
                return Unpriceable("an upsert (INSERT … ON DUPLICATE KEY UPDATE)");
            }
        }

        return null;
    }

    // The first DELETE, UPDATE or MERGE statement inside (not a FOR UPDATE / FOR NO KEY UPDATE lock, not DO UPDATE of an
    // upsert, which a nested INSERT reports), an upsert, or an EXECUTE of a prepared statement (EXPLAIN ANALYZE EXECUTE).
    private static string? FirstWriteInside(string sql, List<SqlToken> tokens, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            var previous = i > start ? tokens[i - 1] : default;
            if ((token.IsWord(sql, "DELETE") || token.IsWord(sql, "UPDATE") || token.IsWord(sql, "MERGE"))
                && !(previous.IsWord(sql, "FOR") || previous.IsWord(sql, "KEY") || previous.IsWord(sql, "DO")))
            {
                return token.Text(sql).ToString().ToUpperInvariant();
            }

            if (token.IsWord(sql, "INSERT") && UpsertOf(sql, tokens, i, end) is { } upsert)
            {
                return upsert.Description;
            }

            if (token.IsWord(sql, "EXECUTE"))
            {
                return "EXECUTE of a prepared statement";
            }
        }

        return null;
    }

    // MySQL's INSERT … SELECT (and INSERT … TABLE): a SELECT on the top level, or no VALUES or SET list to insert from.
    private static bool InsertsSelected(string sql, List<SqlToken> tokens, int start, int end)
    {
        var values = false;
        for (var i = start + 1; i < end; i++)
        {
            if (tokens[i].Depth == 0 && (tokens[i].IsWord(sql, "SELECT") || tokens[i].IsWord(sql, "TABLE")))
            {
                return true;
            }

            values |= tokens[i].Depth == 0 && (tokens[i].IsWord(sql, "VALUES") || tokens[i].IsWord(sql, "VALUE") || tokens[i].IsWord(sql, "SET"));
        }

        return !values;
    }

    private static bool HasWord(string sql, List<SqlToken> tokens, int start, int end, params string[] words)
    {
        for (var i = start; i < end; i++)
        {
            foreach (var word in words)
            {
                if (tokens[i].IsWord(sql, word))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static RawWrite Unpriceable(string description) => new(RawWriteShape.Unpriceable, description);

    // The cheap first look: one vectorized search per word.
    private static bool ContainsWriteWord(string sql)
    {
        foreach (var word in WriteWords)
        {
            if (sql.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
