using BulkSafety.Databases;
using Npgsql;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// Npgsql rewrites a command's text before PostgreSQL reads it (binds @name placeholders, splits at ;) by rules of its
/// own; where those read the text otherwise than PostgreSQL, the guard would judge a statement other than the one that
/// runs, and refuses it. Ordinary texts are not refused.
/// </summary>
public sealed class NpgsqlRewriteTests
{
    [Theory]
    [InlineData("DELETE FROM items WHERE id = @id AND owner_id = :owner", "id", "owner")]
    [InlineData("DELETE FROM items WHERE id = @ID::bigint", "id")]
    [InlineData("DELETE FROM items WHERE title = '@id' OR id = @id -- @id\r AND @id > 0", "id")]
    [InlineData("DELETE FROM items WHERE created < date'2020-01-01' AND title = E'it\\'s' AND body = U&'x' AND id = @id", "id")]
    [InlineData("DELETE FROM items WHERE title = $q$ @id $q$ AND a$b = 1 AND id = @id", "id")]
    [InlineData("DELETE FROM items WHERE id = @other", "id")]
    public void TextNpgsqlSendsAsPostgreSqlReadsIt_IsNotRefused(string sql, params string[] parameters)
        => Assert.Null(NpgsqlRewrite.DifferenceFromServer(Command(sql, parameters)));

    [Theory]
    [InlineData("DELETE FROM items WHERE title = code_e'\\' -- '; DELETE FROM items", "E'' string")]
    [InlineData("DELETE FROM items WHERE title = code_e'\\' OR id = @id --'", "E'' string", "id")]
    [InlineData("DELETE FROM items AS \u0100\u0100$q$ WHERE id = @id OR \u0100\u0100$q$.id = 0", "dollar quote", "id")]
    [InlineData("DELETE FROM items WHERE id > @1", "binds the placeholder @1 where PostgreSQL's rules read the operator @", "1")]
    [InlineData("DELETE FROM items AS p WHERE p.id <> @p.id", "binds the placeholder @p.id where PostgreSQL's rules read the placeholder @p", "p.id")]
    [InlineData("DELETE FROM items AS p WHERE p.id <> @p.id", "leaves @p.id unbound where PostgreSQL's rules read the placeholder @p", "p")]
    [InlineData("DELETE FROM items WHERE id = @@id", "leaves @id unbound", "id")]
    [InlineData("DELETE FROM items WHERE id = @id$x", "binds the placeholder @id where PostgreSQL's rules read the placeholder @id$x", "id")]
    public void TextNpgsqlReadsOtherwise_IsRefused(string sql, string reason, params string[] parameters)
        => Assert.Contains(reason, NpgsqlRewrite.DifferenceFromServer(Command(sql, parameters)), StringComparison.Ordinal);

    [Fact]
    public void PositionalParametersOnly_AreSentAsWritten()
    {
        using var command = new NpgsqlCommand("DELETE FROM items WHERE title = code_e'\\' OR id = $1 --'");
        command.Parameters.Add(new NpgsqlParameter { Value = 5L });

        Assert.Null(NpgsqlRewrite.DifferenceFromServer(command));
    }

    private static NpgsqlCommand Command(string sql, string[] parameters)
    {
        var command = new NpgsqlCommand(sql);
        foreach (var name in parameters)
        {
            command.Parameters.AddWithValue(name, 1L);
        }

        return command;
    }
}
