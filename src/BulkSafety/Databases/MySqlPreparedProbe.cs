using System.Text;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// A probe text as MariaDB runs it: through SQL-level <c>PREPARE … FROM</c>, which parses exactly one statement and
/// fails on a second (error 1064), so that a text the guard's tokenizer misread as one statement still cannot run two.
/// MySqlConnector sends a command's text as the server reads it, several statements included; the prepared text travels
/// as a hexadecimal literal, which no client-side escaping or parameter substitution touches. Its parameters become
/// <c>?</c> placeholders, given to <c>EXECUTE … USING</c> in their order (MariaDB takes any expression there, so the client
/// substitutes the values as it would in the probe text itself).
/// </summary>
internal static class MySqlPreparedProbe
{
    /// <summary>The one prepared statement a probe holds on a session; <c>PREPARE</c> under the same name replaces it.</summary>
    public const string StatementName = "bulksafety_probe";

    // The most placeholders a prepared statement takes (the protocol counts them in 16 bits).
    private const int MaxPlaceholders = 65_535;

    /// <summary>
    /// The command text that prepares <paramref name="sql"/> (read as <paramref name="tokens"/>), runs it with the values of
    /// the parameters in <paramref name="boundNames"/> (names without their <c>@</c>, compared regardless of case, as
    /// MySqlConnector binds them) and deallocates it. Every <c>@name</c> bound there becomes a placeholder; any other is a
    /// user variable, which the statement reads as the server would. When <c>EXECUTE</c> fails the statement stays
    /// prepared until the next probe replaces it or the session ends.
    /// </summary>
    /// <exception cref="ProbeRefusedException">The text holds a parameter the client and the server would name differently, or more than a prepared statement takes.</exception>
    public static string Build(string sql, IReadOnlyList<SqlToken> tokens, IReadOnlySet<string> boundNames)
    {
        var prepared = new StringBuilder(sql.Length);
        var values = new List<string>();
        var copied = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == SqlTokenKind.PositionalParameter || (token.Kind == SqlTokenKind.Parameter && sql[token.Start] == '?'))
            {
                throw new ProbeRefusedException("it holds a parameter bound by position, which the guard cannot bind by name");
            }

            if (token.IsSymbol(sql, '@') && i + 1 < tokens.Count && tokens[i + 1].Start == token.End && tokens[i + 1].Kind is SqlTokenKind.String or SqlTokenKind.QuotedIdentifier)
            {
                // MySqlConnector binds @`name` and @'name' to a parameter of that name; the server reads a user variable.
                throw new ProbeRefusedException("it holds a quoted parameter or user variable name");
            }

            // @@name is a system variable (the tokenizer reads '@' and then @name), never a parameter.
            if (token.Kind != SqlTokenKind.Parameter || (token.Start > 0 && sql[token.Start - 1] == '@'))
            {
                continue;
            }

            if (token.End < sql.Length && sql[token.End] == '.')
            {
                // MySqlConnector reads @a.b as one name, the server as user variable a.b; the tokenizer stops at the dot.
                throw new ProbeRefusedException("it holds a parameter or user variable name with a dot in it");
            }

            var name = token.Text(sql)[1..].ToString();
            if (!boundNames.Contains(name))
            {
                continue;
            }

            prepared.Append(sql, copied, token.Start - copied).Append('?');
            copied = token.End;
            values.Add(token.Text(sql).ToString());
        }

        if (values.Count > MaxPlaceholders)
        {
            throw new ProbeRefusedException($"it binds {values.Count:N0} parameters, more than a prepared statement takes ({MaxPlaceholders:N0})");
        }

        prepared.Append(sql, copied, sql.Length - copied);
        var text = new StringBuilder($"PREPARE {StatementName} FROM X'");
        text.Append(Convert.ToHexString(Encoding.UTF8.GetBytes(prepared.ToString())));
        text.Append($"'; EXECUTE {StatementName}");
        if (values.Count > 0)
        {
            text.Append(" USING ").AppendJoin(", ", values);
        }

        return text.Append($"; DEALLOCATE PREPARE {StatementName}").ToString();
    }

    /// <summary>A parameter's name as MySqlConnector matches it in a text: without its leading <c>@</c> or <c>?</c>.</summary>
    public static string BoundName(string parameterName)
        => parameterName.Length > 0 && parameterName[0] is '@' or '?' ? parameterName[1..] : parameterName;
}
