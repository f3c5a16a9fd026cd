namespace BulkSafety.Sql;

/// <summary>
/// The lexical rules of one database engine's SQL, as its own tokenizer applies them: which characters are whitespace,
/// where comments end, which quotes delimit strings and identifiers, how parameters are written. The guard reads a
/// statement with the rules of the engine that will run it, so that the words it finds are the words the engine finds.
/// </summary>
/// <remarks>
/// Rules the engines share: whitespace is space, tab, line feed, carriage return and form feed (MySQL adds vertical tab;
/// any other control character makes the text unreadable); every character from U+0080 up — non-ASCII spaces included —
/// is an identifier character (every engine treats bytes ≥ 0x80 of UTF-8 that way); <c>'…'</c> strings double their quote.
/// </remarks>
internal sealed class SqlLexicon
{
    /// <summary>SQLite 3: <c>--</c> comments end at a line feed only; block comments do not nest; identifiers in
    /// <c>"…"</c>, <c>[…]</c> or <c>`…`</c>; parameters <c>?</c>, <c>?NNN</c>, <c>:name</c>, <c>@name</c>, <c>$name</c>; quoted names
    /// compare without regard to case.</summary>
    public static SqlLexicon Sqlite { get; } = new(
        "SQLite",
        lineCommentEndsAtCarriageReturn: false,
        nestedBlockComments: false,
        bracketAndBacktickIdentifiers: true,
        postgresStrings: false,
        dollarNamedParameters: true,
        questionMarkParameters: true,
        quotedNamesIgnoreCase: true,
        mySql: null);

    /// <summary>PostgreSQL 15 as Npgsql sends it: <c>--</c> comments end at a line feed or a carriage return; block comments
    /// nest; identifiers in <c>"…"</c> (and <c>U&amp;"…"</c>); strings also as <c>E'…'</c> (backslash escapes),
    /// <c>U&amp;'…'</c> and <c>$tag$…$tag$</c>; <c>[</c> and <c>`</c> are operators; parameters <c>$n</c> for the server and
    /// <c>@name</c>/<c>:name</c> that Npgsql rewrites to <c>$n</c>.</summary>
    public static SqlLexicon Postgres { get; } = new(
        "PostgreSQL",
        lineCommentEndsAtCarriageReturn: true,
        nestedBlockComments: true,
        bracketAndBacktickIdentifiers: false,
        postgresStrings: true,
        dollarNamedParameters: false,
        questionMarkParameters: false,
        quotedNamesIgnoreCase: false,
        mySql: null);

    /// <summary>
    /// MySQL and MariaDB under the default <c>sql_mode</c> as MySqlConnector sends text: comments <c>#…</c> and <c>--</c>
    /// followed by whitespace or a control character, both to a line feed only (<c>--x</c> is two minus signs), and
    /// <c>/*…*/</c>; identifiers in <c>`…`</c> (doubled backtick), and — unquoted — also starting with a digit or <c>$</c>;
    /// strings in <c>'…'</c> and <c>"…"</c> with backslash escapes, <c>N'…'</c>, <c>X'…'</c> and <c>B'…'</c> (the last two
    /// without escapes), <c>_charset'…'</c> read as a word and a string; parameters <c>@name</c> and <c>?</c> (user
    /// variables read like parameters); names compared regardless of case. The server runs the content of
    /// <c>/*!…*/</c>, <c>/*!50100…*/</c> and MariaDB's <c>/*M!…*/</c> as SQL, and MySQL reads <c>/*+…*/</c> as optimizer hints:
    /// texts holding any of them, or <c>/*</c> inside a comment (whose nesting the two engines read differently), are
    /// unreadable. See <see cref="MySqlSession"/> for the <c>sql_mode</c>s that change these rules.
    /// </summary>
    public static SqlLexicon MySql { get; } = MySqlSession(ansiQuotes: false, noBackslashEscapes: false);

    /// <summary>Every way a MySQL session may read a text under the <c>sql_mode</c>s the guard models.</summary>
    public static IReadOnlyList<SqlLexicon> MySqlSessions { get; } =
        [MySql, MySqlSession(ansiQuotes: true, noBackslashEscapes: false), MySqlSession(ansiQuotes: false, noBackslashEscapes: true), MySqlSession(ansiQuotes: true, noBackslashEscapes: true)];

    private SqlLexicon(string name, bool lineCommentEndsAtCarriageReturn, bool nestedBlockComments, bool bracketAndBacktickIdentifiers, bool postgresStrings, bool dollarNamedParameters, bool questionMarkParameters, bool quotedNamesIgnoreCase, MySqlMode? mySql)
    {
        Name = name;
        LineCommentEndsAtCarriageReturn = lineCommentEndsAtCarriageReturn;
        NestedBlockComments = nestedBlockComments;
        BracketAndBacktickIdentifiers = bracketAndBacktickIdentifiers;
        PostgresStrings = postgresStrings;
        DollarNamedParameters = dollarNamedParameters;
        QuestionMarkParameters = questionMarkParameters;
        QuotedNamesIgnoreCase = quotedNamesIgnoreCase;
        MySqlModes = mySql;
    }

    public string Name { get; }

    public bool LineCommentEndsAtCarriageReturn { get; }

    public bool NestedBlockComments { get; }

    /// <summary>SQLite's (and SQL Server's, MySQL's) <c>[name]</c> and <c>`name`</c> quoted identifiers.</summary>
    public bool BracketAndBacktickIdentifiers { get; }

    /// <summary>Whether <c>`name`</c> quotes an identifier: SQLite's and MySQL's.</summary>
    public bool BacktickIdentifiers => BracketAndBacktickIdentifiers || IsMySql;

    /// <summary>PostgreSQL's <c>E'…'</c>, <c>U&amp;'…'</c>, <c>U&amp;"…"</c> and dollar-quoted strings.</summary>
    public bool PostgresStrings { get; }

    /// <summary>SQLite's <c>$name</c> parameters (PostgreSQL's <c>$</c> starts <c>$n</c> or a dollar quote).</summary>
    public bool DollarNamedParameters { get; }

    /// <summary>SQLite's <c>?</c> and <c>?NNN</c> parameters (in PostgreSQL <c>?</c> is an operator).</summary>
    public bool QuestionMarkParameters { get; }

    /// <summary>Whether a quoted name matches regardless of case (SQLite), or exactly (PostgreSQL).</summary>
    public bool QuotedNamesIgnoreCase { get; }

    /// <summary>MySQL's rules (<see cref="MySql"/>) and the session's <c>sql_mode</c> flags that change them;
    /// <see langword="null"/> for the other engines.</summary>
    public MySqlMode? MySqlModes { get; }

    /// <summary>Whether this is one of MySQL's lexicons.</summary>
    public bool IsMySql => MySqlModes is not null;

    /// <summary>
    /// MySQL under the session's <c>sql_mode</c>: <c>ANSI_QUOTES</c> makes <c>"…"</c> an identifier (doubled quote, no
    /// escapes) instead of a string; <c>NO_BACKSLASH_ESCAPES</c> makes a backslash an ordinary character in strings.
    /// </summary>
    public static SqlLexicon MySqlSession(bool ansiQuotes, bool noBackslashEscapes)
        => new(
            $"MySQL{(ansiQuotes ? " ANSI_QUOTES" : "")}{(noBackslashEscapes ? " NO_BACKSLASH_ESCAPES" : "")}",
            lineCommentEndsAtCarriageReturn: false,
            nestedBlockComments: false,
            bracketAndBacktickIdentifiers: false,
            postgresStrings: false,
            dollarNamedParameters: false,
            questionMarkParameters: true,
            quotedNamesIgnoreCase: true,
            new MySqlMode(ansiQuotes, noBackslashEscapes));

    /// <summary>The whitespace the engines skip between tokens (MySQL also skips a vertical tab).</summary>
    public bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f' || (c == '\v' && IsMySql);

    /// <summary>A character an identifier may start with: a letter, <c>_</c>, or any non-ASCII character.</summary>
    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    /// <summary>A character an identifier may continue with: also digits and <c>$</c>.</summary>
    public static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    /// <summary>Whether two lexicons read every text alike.</summary>
    public bool ReadsAs(SqlLexicon other) => ReferenceEquals(this, other) || (MySqlModes is { } modes && modes == other.MySqlModes);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The MySQL <c>sql_mode</c> flags that change how text is read.</summary>
/// <param name="AnsiQuotes"><c>ANSI_QUOTES</c>: <c>"…"</c> quotes an identifier.</param>
/// <param name="NoBackslashEscapes"><c>NO_BACKSLASH_ESCAPES</c>: a backslash in a string is itself.</param>
internal sealed record MySqlMode(bool AnsiQuotes, bool NoBackslashEscapes);
