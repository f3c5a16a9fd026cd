using System.Text;

namespace BulkSafety.Sql;

/// <summary>Whether a bulk statement deletes or updates.</summary>
internal enum BulkStatementKind
{
    Delete,
    Update,
}

/// <summary>
/// A single-table DELETE or UPDATE read from its SQL text — what EF Core generates for <c>ExecuteDelete</c> and
/// <c>ExecuteUpdate</c>, and the same shapes written by hand — taken apart just enough to ask the database which rows it
/// matches: the target table and alias, the <c>USING</c>/<c>FROM</c> list, the <c>WHERE</c> predicate (kept verbatim,
/// with its parameters) and the assigned columns. Anything outside the shapes below is refused, with the reason:
/// <code>
/// DELETE FROM [ONLY] table [[AS] alias] [USING from-list] [WHERE predicate] [RETURNING ...] [;]
/// UPDATE [OR ABORT|FAIL|IGNORE|ROLLBACK] [ONLY] table [[AS] alias] SET column = value, ... [FROM from-list] [WHERE predicate] [RETURNING ...] [;]
/// </code>
/// On MySQL, the single-table DELETE is also read in the multi-table form Pomelo writes for <c>ExecuteDelete</c>,
/// <c>DELETE alias FROM table AS alias WHERE …</c>, when it names the one table of its FROM; <c>USING</c> and an UPDATE's
/// <c>FROM</c> are refused there (MySQL's USING lists every table of a multi-table DELETE, the target included).
/// Refused: several statements, <c>UPDATE OR REPLACE</c>, <c>WITH</c>, <c>ORDER BY</c>/<c>LIMIT</c>/<c>OFFSET</c>, <c>WHERE CURRENT OF</c>,
/// multi-column <c>SET (a, b) = ...</c>, positional <c>?</c> parameters in the <c>SET</c> list (the probe leaves the list out,
/// which would shift them), and any text that does not tokenize.
/// </summary>
internal sealed class BulkStatement
{
    private readonly List<SqlToken> _tokens;
    private readonly (int Start, int End) _predicate;
    private readonly (int Start, int End) _from;

    private BulkStatement(
        string sql,
        SqlLexicon lexicon,
        List<SqlToken> tokens,
        BulkStatementKind kind,
        bool only,
        SqlName? schema,
        SqlName table,
        string tableText,
        string? alias,
        (int Start, int End) predicate,
        (int Start, int End) from,
        IReadOnlyList<BulkAssignment> assignments)
    {
        Sql = sql;
        Lexicon = lexicon;
        _tokens = tokens;
        _from = from;
        Kind = kind;
        Only = only;
        Schema = schema;
        Table = table;
        TableText = tableText;
        Alias = alias;
        FromList = TextOf(from);
        _predicate = predicate;
        Predicate = TextOf(predicate);
        Assignments = assignments;
    }

    public string Sql { get; }

    /// <summary>The lexical rules the statement was read with: its engine's.</summary>
    public SqlLexicon Lexicon { get; }

    public BulkStatementKind Kind { get; }

    /// <summary>PostgreSQL's <c>ONLY</c>: the statement leaves inheriting tables alone.</summary>
    public bool Only { get; }

    public SqlName? Schema { get; }

    public SqlName Table { get; }

    /// <summary>The table name as written, schema included, quotes kept.</summary>
    public string TableText { get; }

    /// <summary>The alias as written, quotes kept; <see langword="null"/> when the table has none.</summary>
    public string? Alias { get; }

    /// <summary>The <c>USING</c> (DELETE) or <c>FROM</c> (UPDATE) list as written.</summary>
    public string? FromList { get; }

    /// <summary>The <c>WHERE</c> predicate as written; <see langword="null"/> when the statement matches every row.</summary>
    public string? Predicate { get; }

    /// <summary>The <c>SET</c> list of an UPDATE.</summary>
    public IReadOnlyList<BulkAssignment> Assignments { get; }

    /// <summary>How the predicate and the probe's size expressions name the target's columns: the alias, else the table.</summary>
    public string Qualifier => Alias ?? TableText;

    /// <summary>The tokens a probe evaluates: the <c>USING</c>/<c>FROM</c> list and the predicate (not the SET list).</summary>
    public IEnumerable<SqlToken> EvaluatedTokens
        => _tokens.Skip(_from.Start).Take(_from.End - _from.Start).Concat(_tokens.Skip(_predicate.Start).Take(_predicate.End - _predicate.Start));

    /// <summary>Reads <paramref name="sql"/>; <see langword="null"/> with the reason in <paramref name="refusal"/> when it cannot.</summary>
    public static BulkStatement? TryParse(string sql, SqlLexicon lexicon, out string refusal)
    {
        if (SqlTokenizer.Tokenize(sql, lexicon) is not { } tokens)
        {
            refusal = "the SQL text does not tokenize (an unterminated literal or comment, or unbalanced parentheses)";
            return null;
        }

        var end = tokens.Count;
        while (end > 0 && tokens[end - 1].IsSymbol(sql, ';'))
        {
            end--;
        }

        if (end == 0)
        {
            refusal = "the command is empty";
            return null;
        }

        for (var i = 0; i < end; i++)
        {
            if (tokens[i].Depth == 0 && tokens[i].IsSymbol(sql, ';'))
            {
                refusal = "the command holds more than one statement";
                return null;
            }
        }

        var reader = new Reader(sql, lexicon, tokens, end);
        var statement = reader.Statement();
        refusal = reader.Refusal ?? "";
        return statement;
    }

    /// <summary>
    /// The value the predicate compares one column with, when the predicate is nothing but <c>[qualifier.]column = value</c>
    /// (either way round) and the value is a parameter or a literal: an UPDATE of one row by its key.
    /// </summary>
    public (SqlName Column, SqlToken Value)? SingleEquality()
    {
        var (start, end) = _predicate;
        var count = end - start;
        if (count is not (3 or 5))
        {
            return null;
        }

        for (var equals = start; equals < end; equals++)
        {
            if (!_tokens[equals].IsSymbol(Sql, '='))
            {
                continue;
            }

            // column = value, or value = column; the column may be qualified (three tokens: q . c).
            if (ColumnAt(start, equals) is { } left && IsValue(equals + 1, end))
            {
                return (left, _tokens[equals + 1]);
            }

            if (IsValue(start, equals) && ColumnAt(equals + 1, end) is { } right)
            {
                return (right, _tokens[start]);
            }
        }

        return null;
    }

    private bool IsValue(int start, int end)
        => end - start == 1 && _tokens[start].Kind is SqlTokenKind.Parameter or SqlTokenKind.Number or SqlTokenKind.String;

    private SqlName? ColumnAt(int start, int end)
    {
        if (end - start == 1 && IsIdentifier(_tokens[start]))
        {
            return SqlName.Of(Sql, _tokens[start], Lexicon);
        }

        return end - start == 3 && IsIdentifier(_tokens[start]) && _tokens[start + 1].IsSymbol(Sql, '.') && IsIdentifier(_tokens[start + 2])
            && Qualifier.AsSpan().Equals(_tokens[start].Text(Sql), StringComparison.Ordinal)
            ? SqlName.Of(Sql, _tokens[start + 2], Lexicon)
            : null;
    }

    private string? TextOf((int Start, int End) range) => range.Start < range.End ? Sql[_tokens[range.Start].Start.._tokens[range.End - 1].End] : null;

    private static bool IsIdentifier(SqlToken token) => token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;

    private static bool IsOneOf(string sql, SqlToken token, string[] words) => Array.Exists(words, word => token.IsWord(sql, word));

    /// <summary>A recursive-descent reader over the top level of one statement's tokens.</summary>
    private sealed class Reader(string sql, SqlLexicon lexicon, List<SqlToken> tokens, int end)
    {
        private static readonly string[] ClauseWords = ["WHERE", "USING", "SET", "FROM", "RETURNING"];
        private static readonly string[] UnsupportedClauses = ["ORDER", "LIMIT", "OFFSET"];

        // Words that follow a table but are no alias: clauses, joins (MySQL's multi-table forms), SQLite's INDEXED BY.
        private static readonly string[] NotAliases = [.. ClauseWords, .. UnsupportedClauses, "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "STRAIGHT_JOIN", "INDEXED", "NOT"];
        private int _position;

        public string? Refusal { get; private set; }

        private SqlToken Current => tokens[_position];

        private bool AtEnd => _position >= end;

        public BulkStatement? Statement()
        {
            var first = tokens[0];
            _position = 1;
            if (first.IsWord(sql, "DELETE"))
            {
                if (lexicon.IsMySql && _position + 1 < end && IsIdentifier(Current) && tokens[_position + 1].IsWord(sql, "FROM"))
                {
                    return OneTableOfMany();
                }

                return Expect("FROM") ? Rest(BulkStatementKind.Delete) : Refuse("a DELETE without FROM (a multi-table DELETE) is not read");
            }

            if (first.IsWord(sql, "UPDATE"))
            {
                if (!AtEnd && Current.IsWord(sql, "OR"))
                {
                    // SQLite's UPDATE OR REPLACE deletes the rows its new values conflict with: rows the probe does not count.
                    if (_position + 1 < end && tokens[_position + 1].IsWord(sql, "REPLACE"))
                    {
                        return Refuse("UPDATE OR REPLACE, which deletes the rows it conflicts with, is not read");
                    }

                    _position += 2;
                }

                return Rest(BulkStatementKind.Update);
            }

            return first.IsWord(sql, "WITH")
                ? Refuse("a statement with WITH (a common table expression) is not read")
                : Refuse($"a statement that starts with {first.Text(sql)} is not a DELETE or UPDATE that can be read");
        }

        // MySQL's DELETE name FROM table [AS alias] …: the single-table DELETE when name is the alias (or, without one, the
        // table) — a modifier such as IGNORE or QUICK in that place is not read.
        private BulkStatement? OneTableOfMany()
        {
            var named = Current.Text(sql).ToString();
            _position += 2;
            var statement = Rest(BulkStatementKind.Delete);
            return statement is null || string.Equals(statement.Qualifier, named, StringComparison.OrdinalIgnoreCase)
                ? statement
                : Refuse($"a DELETE of {named} from {statement.Qualifier} is not read");
        }

        private BulkStatement? Rest(BulkStatementKind kind)
        {
            var only = Expect("ONLY");
            if (QualifiedName() is not var (schema, table, tableText))
            {
                return Refuse("the target table's name cannot be read");
            }

            string? alias = null;
            if (Expect("AS"))
            {
                if (AtEnd || !IsIdentifier(Current))
                {
                    return Refuse("AS is not followed by an alias");
                }

                alias = Current.Text(sql).ToString();
                _position++;
            }
            else if (!AtEnd && IsIdentifier(Current) && !(Current.Kind == SqlTokenKind.Word && IsOneOf(sql, Current, NotAliases)))
            {
                alias = Current.Text(sql).ToString();
                _position++;
            }

            // The clauses, in their order; each at most once, on the top level.
            string[] order = (kind, lexicon.IsMySql) switch
            {
                (BulkStatementKind.Delete, false) => ["USING", "WHERE", "RETURNING"],
                (BulkStatementKind.Delete, true) => ["WHERE", "RETURNING"],
                (_, false) => ["SET", "FROM", "WHERE", "RETURNING"],
                _ => ["SET", "WHERE"],
            };
            var starts = new int[order.Length];
            var ends = new int[order.Length];
            Array.Fill(starts, -1);
            var clause = -1;
            if (kind == BulkStatementKind.Update && (AtEnd || !Current.IsWord(sql, "SET")))
            {
                return Refuse("an UPDATE's table is not followed by SET");
            }

            for (; _position < end; _position++)
            {
                var token = Current;
                if (token.Depth != 0)
                {
                    continue;
                }

                if (IsOneOf(sql, token, UnsupportedClauses))
                {
                    return Refuse($"{token.Text(sql)} in a {kind.ToString().ToUpperInvariant()} is not read");
                }

                if (token.IsWord(sql, "CURRENT") && clause >= 0 && order[clause] == "WHERE" && starts[clause] == _position)
                {
                    return Refuse("WHERE CURRENT OF a cursor is not read");
                }

                var next = IsDistinctFrom(_position) ? -1 : Array.FindIndex(order, clause + 1, word => token.IsWord(sql, word));
                if (next >= 0)
                {
                    if (clause >= 0)
                    {
                        ends[clause] = _position;
                    }

                    clause = next;
                    starts[clause] = _position + 1;
                }
                else if (clause < 0)
                {
                    return Refuse($"{token.Text(sql)} after the target table is not read");
                }
            }

            if (clause >= 0)
            {
                ends[clause] = end;
            }

            var assignments = new List<BulkAssignment>();
            if (kind == BulkStatementKind.Update && !Assignments(starts[0], ends[0], assignments))
            {
                return null;
            }

            var from = Array.IndexOf(order, kind == BulkStatementKind.Delete ? "USING" : "FROM");
            var where = Array.IndexOf(order, "WHERE");
            var hasFrom = from >= 0 && starts[from] >= 0;
            if ((hasFrom && starts[from] == ends[from]) || (starts[where] >= 0 && starts[where] == ends[where]))
            {
                return Refuse("a clause of the statement is empty");
            }

            return new BulkStatement(
                sql,
                lexicon,
                tokens,
                kind,
                only,
                schema,
                table,
                tableText,
                alias,
                starts[where] >= 0 ? (starts[where], ends[where]) : (0, 0),
                hasFrom ? (starts[from], ends[from]) : (0, 0),
                assignments);
        }

        private bool Assignments(int start, int stop, List<BulkAssignment> assignments)
        {
            var itemStart = start;
            for (var i = start; i <= stop; i++)
            {
                if (i < stop && tokens[i].Kind == SqlTokenKind.PositionalParameter)
                {
                    Refuse("positional ? parameters in the SET list are not read");
                    return false;
                }

                if (i < stop && !(tokens[i].Depth == 0 && tokens[i].IsSymbol(sql, ',')))
                {
                    continue;
                }

                var equals = -1;
                for (var j = itemStart; j < i && equals < 0; j++)
                {
                    equals = tokens[j].Depth == 0 && tokens[j].IsSymbol(sql, '=') ? j : -1;
                }

                if (equals < 0 || equals == itemStart || !IsIdentifier(tokens[equals - 1]) || equals + 1 >= i)
                {
                    Refuse("a SET item is not column = value");
                    return false;
                }

                assignments.Add(new BulkAssignment(SqlName.Of(sql, tokens[equals - 1], lexicon), ValueOf(equals + 1, i)));
                itemStart = i + 1;
            }

            return true;
        }

        private BulkValue ValueOf(int start, int stop)
        {
            if (stop - start != 1)
            {
                return BulkValue.Expression;
            }

            var token = tokens[start];
            return token.Kind switch
            {
                SqlTokenKind.Parameter => BulkValue.Parameter(token.Text(sql).ToString()),
                SqlTokenKind.String when token.Text(sql) is ['\'', .. var text, '\''] => BulkValue.Literal(Encoding.UTF8.GetByteCount(text.ToString().Replace("''", "'", StringComparison.Ordinal))),
                SqlTokenKind.Word when token.IsWord(sql, "NULL") => BulkValue.Null,
                _ => BulkValue.Expression,
            };
        }

        // "a IS [NOT] DISTINCT FROM b" in a SET item is a comparison, not the FROM clause.
        private bool IsDistinctFrom(int position)
            => tokens[position].IsWord(sql, "FROM") && position > 0 && tokens[position - 1].IsWord(sql, "DISTINCT");

        private (SqlName? Schema, SqlName Table, string Text)? QualifiedName()
        {
            var start = _position;
            var parts = new List<SqlName>();
            while (!AtEnd && IsIdentifier(Current) && !IsOneOf(sql, Current, ClauseWords))
            {
                parts.Add(SqlName.Of(sql, Current, lexicon));
                _position++;
                if (AtEnd || !Current.IsSymbol(sql, '.'))
                {
                    break;
                }

                _position++;
            }

            // table, schema.table or database.schema.table; a trailing '*' (inheritance) or a dangling dot is refused.
            if (parts.Count is 0 or > 3 || tokens[_position - 1].IsSymbol(sql, '.') || (!AtEnd && Current.IsSymbol(sql, '*')))
            {
                return null;
            }

            return (parts.Count > 1 ? parts[^2] : null, parts[^1], Span(start, _position));
        }

        private string Span(int start, int stop) => sql[tokens[start].Start..tokens[stop - 1].End];

        private bool Expect(string word)
        {
            if (!AtEnd && Current.IsWord(sql, word))
            {
                _position++;
                return true;
            }

            return false;
        }

        private BulkStatement? Refuse(string reason)
        {
            Refusal ??= reason;
            return null;
        }
    }
}

/// <summary>One <c>column = value</c> item of an UPDATE's SET list.</summary>
internal sealed record BulkAssignment(SqlName Column, BulkValue Value);

/// <summary>What an assignment's value is, as far as sizing the new value goes.</summary>
internal readonly record struct BulkValue(BulkValueKind Kind, string? ParameterName, long LiteralBytes)
{
    public static BulkValue Expression => new(BulkValueKind.Expression, null, 0);

    public static BulkValue Null => new(BulkValueKind.Null, null, 0);

    public static BulkValue Parameter(string name) => new(BulkValueKind.Parameter, name, 0);

    public static BulkValue Literal(long bytes) => new(BulkValueKind.Literal, null, bytes);
}

/// <summary>The kinds of <see cref="BulkValue"/>.</summary>
internal enum BulkValueKind
{
    /// <summary>Anything computed (<c>"c" - 1</c>, a function, a subquery): the stored value's size is kept.</summary>
    Expression,

    /// <summary>A single parameter: its value's size.</summary>
    Parameter,

    /// <summary>A string literal: its UTF-8 length.</summary>
    Literal,

    /// <summary><c>NULL</c>.</summary>
    Null,
}
