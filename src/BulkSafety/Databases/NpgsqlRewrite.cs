using System.Data.Common;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// Where Npgsql would not send a command's text as PostgreSQL reads it. Unless its parameters are all positional, Npgsql
/// rewrites the text before sending it: it binds each <c>@name</c>/<c>:name</c> placeholder it finds to the parameter of
/// that name and splits the text at each <c>;</c> — reading strings, comments and names by rules of its own, which
/// differ from PostgreSQL's in a few places. The guard reads the text as PostgreSQL does; where Npgsql would read it
/// otherwise, the statement that runs is not the one the guard read, and the probe is refused.
/// </summary>
internal static class NpgsqlRewrite
{
    /// <summary>How Npgsql's reading of <paramref name="command"/>'s text differs from PostgreSQL's; <see langword="null"/> when it does not.</summary>
    public static string? DifferenceFromServer(DbCommand command)
    {
        var parameters = command.Parameters.Cast<DbParameter>().Select(p => p.ParameterName.TrimStart('@', ':')).ToArray();
        if (parameters.Length > 0 && parameters.All(string.IsNullOrEmpty))
        {
            // Positional parameters only: Npgsql sends the text as it is.
            return null;
        }

        var sql = command.CommandText;
        if (SqlTokenizer.Tokenize(sql, SqlLexicon.Postgres) is not { } tokens)
        {
            return "the SQL text does not tokenize as PostgreSQL reads it";
        }

        SqlToken? previous = null;
        foreach (var token in tokens)
        {
            if (DifferenceAt(sql, token, previous, parameters) is { } difference)
            {
                return difference;
            }

            previous = token;
        }

        return null;
    }

    private static string? DifferenceAt(string sql, SqlToken token, SqlToken? previous, string[] parameters)
    {
        // An e' glued to a name (a typed literal to PostgreSQL: code_e'…') starts an E'' string for Npgsql unless an
        // ASCII letter precedes the e: Npgsql then ends that string elsewhere, and misses the ; and placeholders after it.
        if (token.Kind == SqlTokenKind.String && sql[token.Start] == '\'' && previous is { Kind: SqlTokenKind.Word, Length: > 1 } word
            && word.End == token.Start && char.ToUpperInvariant(sql[word.End - 1]) == 'E' && !char.IsAsciiLetter(sql[word.End - 2]))
        {
            return $"Npgsql reads {word.Text(sql)}{token.Text(sql)} as an E'' string, PostgreSQL as a typed literal";
        }

        // A $ inside a name after a character above U+00FF starts a dollar quote for Npgsql; PostgreSQL reads one name.
        if (token.Kind == SqlTokenKind.Word)
        {
            for (var i = token.Start + 1; i < token.End; i++)
            {
                if (sql[i] == '$' && sql[i - 1] > '\u00FF')
                {
                    return $"Npgsql reads a dollar quote inside the name {token.Text(sql)}";
                }
            }
        }

        // Npgsql binds a placeholder — @ or : (not doubled) and a name of letters, digits, _ and . — when a parameter has
        // that name; it must be exactly a placeholder the guard binds, and the other way round.
        if (token.Kind is SqlTokenKind.Symbol or SqlTokenKind.Parameter && sql[token.Start] is '@' or ':')
        {
            var end = token.Start + 1;
            while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] is '_' or '.'))
            {
                end++;
            }

            var doubled = token.Start > 0 && sql[token.Start - 1] == sql[token.Start];
            var npgsqlBinds = !doubled && end > token.Start + 1 && Names(sql.AsSpan(token.Start + 1, end - token.Start - 1), parameters);
            var guardBinds = token.Kind == SqlTokenKind.Parameter && Names(sql.AsSpan(token.Start + 1, token.Length - 1), parameters);
            if (npgsqlBinds != guardBinds || (npgsqlBinds && token.End != end))
            {
                var guardReads = token.Kind == SqlTokenKind.Parameter ? $"the placeholder {token.Text(sql)}" : $"the operator {sql[token.Start]}";
                return npgsqlBinds
                    ? $"Npgsql binds the placeholder {sql[token.Start..end]} where PostgreSQL's rules read {guardReads}"
                    : $"Npgsql leaves {sql[token.Start..end]} unbound where PostgreSQL's rules read {guardReads}";
            }
        }

        return null;
    }

    private static bool Names(ReadOnlySpan<char> name, string[] parameters)
    {
        foreach (var parameter in parameters)
        {
            if (name.Equals(parameter, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
