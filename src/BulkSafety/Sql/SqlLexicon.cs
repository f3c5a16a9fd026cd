namespace BulkSafety.Sql;

/// <summary>
/// The lexical rules of one database engine's SQL, as its own tokenizer applies them: which characters are whitespace,
/// where comments end, which quotes delimit strings and identifiers, how parameters are written. The guard reads a
/// statement with the rules of the engine that will run it, so that the words it finds are the words the engine finds.
/// </summary>
/// <remarks>
/// Rules the engines share: whitespace is space, tab, line feed, carriage return and form feed (any other control
/// character makes the text unreadable); every character from U+0080 up — non-ASCII spaces included — is an identifier
/// character (both engines treat bytes ≥ 0x80 of UTF-8 that way); <c>'…'</c> strings double their quote.
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
        quotedNamesIgnoreCase: true);

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
        quotedNamesIgnoreCase: false);

    private SqlLexicon(string name, bool lineCommentEndsAtCarriageReturn, bool nestedBlockComments, bool bracketAndBacktickIdentifiers, bool postgresStrings, bool dollarNamedParameters, bool questionMarkParameters, bool quotedNamesIgnoreCase)
    {
        Name = name;
        LineCommentEndsAtCarriageReturn = lineCommentEndsAtCarriageReturn;
        NestedBlockComments = nestedBlockComments;
        BracketAndBacktickIdentifiers = bracketAndBacktickIdentifiers;
        PostgresStrings = postgresStrings;
        DollarNamedParameters = dollarNamedParameters;
        QuestionMarkParameters = questionMarkParameters;
        QuotedNamesIgnoreCase = quotedNamesIgnoreCase;
    }

    public string Name { get; }

    public bool LineCommentEndsAtCarriageReturn { get; }

    public bool NestedBlockComments { get; }

    /// <summary>SQLite's (and SQL Server's, MySQL's) <c>[name]</c> and <c>`name`</c> quoted identifiers.</summary>
    public bool BracketAndBacktickIdentifiers { get; }

    /// <summary>PostgreSQL's <c>E'…'</c>, <c>U&amp;'…'</c>, <c>U&amp;"…"</c> and dollar-quoted strings.</summary>
    public bool PostgresStrings { get; }

    /// <summary>SQLite's <c>$name</c> parameters (PostgreSQL's <c>$</c> starts <c>$n</c> or a dollar quote).</summary>
    public bool DollarNamedParameters { get; }

    /// <summary>SQLite's <c>?</c> and <c>?NNN</c> parameters (in PostgreSQL <c>?</c> is an operator).</summary>
    public bool QuestionMarkParameters { get; }

    /// <summary>Whether a quoted name matches regardless of case (SQLite), or exactly (PostgreSQL).</summary>
    public bool QuotedNamesIgnoreCase { get; }

    /// <summary>The whitespace both engines skip between tokens.</summary>
    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';

    /// <summary>A character an identifier may start with: a letter, <c>_</c>, or any non-ASCII character.</summary>
    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    /// <summary>A character an identifier may continue with: also digits and <c>$</c>.</summary>
    public static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c) || c == '$';

    /// <inheritdoc/>
    public override string ToString() => Name;
}
