using static BulkSafety.Testing.AdversarialSql.CaseParameter;
using static BulkSafety.Testing.AdversarialSql.ExpectedVerdict;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>
/// The statements both engines read alike, with the same expectation on both; each dialect's own statements come on
/// top. The seed (<see cref="AdversarialContext.Seed"/>): items 1–12 of owners 1–3 (four each), tags on items 1, 1, 2, 5,
/// 9 (deleted with their item), slots a–c with notes on slots 1, 1, 2 (set to NULL with their slot), and three rows of
/// "Odd Table".
/// </summary>
internal static class CommonStatements
{
    // A statement whose reading decides between owner 1's items and item 9 as well.
    private static readonly string[] DeleteOwnerOrItem = ["DELETE", "FROM", "items", "WHERE", "owner_id", "=", "1", "OR", "id", "=", "9"];

    /// <summary>The row budget of the lexical traps: owner 1's rows pass, every row does not.</summary>
    public const int TrapRows = 8;

    public static CaseCatalog AddTo(CaseCatalog catalog)
    {
        Control(catalog);
        Generated(catalog);
        Literals(catalog);
        Quoting(catalog);
        Unicode(catalog);
        Parameters(catalog);
        Forms(catalog);
        LexicalTraps(catalog);
        return catalog;
    }

    /// <summary>A lexical trap: a statement with the row budget <see cref="TrapRows"/>.</summary>
    public static AdversarialCase Trap(string title, string sql, ExpectedVerdict expected)
        => new("lexical traps", title, [sql], [], expected) { MaxRows = TrapRows };

    private static void Control(CaseCatalog catalog)
    {
        const string Class = "control";
        catalog
            .Add(Class, "delete one row by key", "DELETE FROM items WHERE id = 1", Admitted)
            .Add(Class, "delete an owner's rows, tags cascading", "DELETE FROM items WHERE owner_id = 1", Admitted)
            .Add(Class, "delete every row", "DELETE FROM items", Admitted)
            .Add(Class, "update a counter", "UPDATE items SET views = views + 1 WHERE owner_id = 2", Admitted)
            .Add(Class, "update with an alias and FROM", "UPDATE items AS i SET views = i.views + 1 FROM tags AS t WHERE t.item_id = i.id AND t.label = 'red'", Admitted)
            .Add(Class, "delete with RETURNING", "DELETE FROM items WHERE id IN (2, 3) RETURNING id, title", Admitted)
            .Add(Class, "delete from a quoted table", "DELETE FROM \"Odd Table\" WHERE \"Where\" = 1", Admitted)
            .Add(Class, "delete tags", "DELETE FROM tags WHERE label = 'red'", Admitted);
    }

    /// <summary>One statement with every separator and comment form between its words: the same on every engine.</summary>
    public static void Generated(CaseCatalog catalog)
    {
        foreach (var (title, sql) in SqlVariants.WithSeparators(DeleteOwnerOrItem, gluedAfter: 6))
        {
            catalog.Add("whitespace", title, sql);
        }

        foreach (var (title, sql) in SqlVariants.WithComments(DeleteOwnerOrItem))
        {
            catalog.Add("comments", title, sql);
        }
    }

    private static void Literals(CaseCatalog catalog)
    {
        const string Class = "literals";
        catalog
            .Add(Class, "string holding ; and --", "DELETE FROM items WHERE title = 'a;b -- c' OR id = 2", Admitted)
            .Add(Class, "doubled quote", "DELETE FROM items WHERE title = 'it''s 7' OR id = 3", Admitted)
            .Add(Class, "string holding -- OR 1=1", "DELETE FROM items WHERE title = '-- OR 1=1' OR id = 4", Admitted)
            .Add(Class, "strings holding /* and */", "DELETE FROM items WHERE title = '/*' OR id = 5 OR title = '*/'", Admitted)
            .Add(Class, "string holding WHERE 1=1", "DELETE FROM items WHERE title = 'WHERE 1=1'", Admitted)
            .Add(Class, "backslash is no escape", "DELETE FROM items WHERE title = '\\' OR id = 6 --'", Admitted)
            .Add(Class, "string holding a whole statement", "DELETE FROM items WHERE title = ''';DELETE FROM items;--'", Admitted)
            .Add(Class, "string holding CR LF and --", "DELETE FROM items WHERE title = 'x\r\n-- ' OR id = 8", Admitted)
            .Add(Class, "double-quoted string", "DELETE FROM items WHERE title = \"item 1\" OR id = 10")
            .Add(Class, "string holding RETURNING", "DELETE FROM items WHERE title = ' RETURNING ' OR id = 10", Admitted)
            .Add(Class, "string holding brackets and backticks", "DELETE FROM items WHERE title = '[x] `y` \"z\"' OR id = 11", Admitted)
            .Add(Class, "unterminated string", "DELETE FROM items WHERE title = 'x OR id = 1");
    }

    private static void Quoting(CaseCatalog catalog)
    {
        const string Class = "quoting";
        catalog
            .Add(Class, "double quotes", "DELETE FROM \"items\" WHERE \"id\" = 1", Admitted)
            .Add(Class, "unquoted names in mixed case", "DELETE FROM ItEmS WHERE Owner_Id = 2", Admitted)
            .Add(Class, "alias named like a keyword and a column", "DELETE FROM \"Odd Table\" AS \"Where\" WHERE \"Where\".\"Where\" = 2", Admitted)
            .Add(Class, "column with a doubled quote", "UPDATE \"Odd Table\" SET \"Quote\"\"d\" = 'z' WHERE \"Quote\"\"d\" = 'it''s'", Admitted)
            .Add(Class, "alias with a space", "DELETE FROM items AS \"a b\" WHERE \"a b\".id = 5", Admitted)
            .Add(Class, "table name with a trailing space", "DELETE FROM \"items \" WHERE id = 1")
            .Add(Class, "double-quoted column compared with itself", "DELETE FROM \"items\" WHERE \"title\" = 'item 1' OR \"id\" = \"id\"", Admitted)
            .Add(Class, "quote doubled into the name", "DELETE FROM items WHERE \"owner_id\"\"\" = 1")
            .Add(Class, "column qualified by the table's name", "DELETE FROM items WHERE items.id = 6", Admitted);
    }

    private static void Unicode(CaseCatalog catalog)
    {
        const string Class = "unicode";
        catalog
            .Add(Class, "WHERE glued to a no-break space", "DELETE FROM items WHERE\u00A0owner_id = 1")
            .Add(Class, "OR glued to a line separator", "DELETE FROM items WHERE owner_id = 1 OR\u2028true")
            .Add(Class, "OR glued to a no-break space", "DELETE FROM items WHERE owner_id = 1 OR\u00A0id = 2")
            .Add(Class, "fullwidth OR", "DELETE FROM items WHERE owner_id = 1 \uFF2F\uFF32 id = 2")
            .Add(Class, "fullwidth DELETE", "\uFF24\uFF25\uFF2C\uFF25\uFF34\uFF25 FROM items")
            .Add(Class, "fullwidth letters in a string", "DELETE FROM items WHERE title = '\uFF49\uFF54\uFF45\uFF4D 1' OR id = 1", Admitted)
            .Add(Class, "non-ASCII alias", "DELETE FROM items AS \u00E4 WHERE \u00E4.id = 3", Admitted)
            .Add(Class, "quoted alias in another case", "DELETE FROM items AS \"\u00E4\" WHERE \"\u00C4\".id = 3")
            .Add(Class, "dotless i in the table name", "DELETE FROM \u0131tems WHERE id = 1")
            .Add(Class, "dotted capital I in the table name", "DELETE FROM \u0130TEMS WHERE id = 1")
            .Add(Class, "zero width joiner inside DELETE", "DEL\u200DETE FROM items")
            .Add(Class, "non-ASCII string assigned", "UPDATE items SET title = '\u00DF\u2028\u00A0' WHERE title = 'item 2'", Admitted)
            .Add(Class, "fullwidth digit", "DELETE FROM items WHERE id = \uFF19")
            .Add(Class, "Kelvin sign in a keyword", "DELETE FROM items WHERE id = 1 OR \u212A = 1");
    }

    private static void Parameters(CaseCatalog catalog)
    {
        const string Class = "parameters";
        catalog
            .Add(Class, "@name", "DELETE FROM items WHERE id = @id", Admitted, Named("@id", 1L))
            .Add(Class, ":name", "DELETE FROM items WHERE id = :id", Admitted, Named(":id", 2L))
            .Add(Class, "EF formatted {0}", "DELETE FROM items WHERE owner_id = {0}", Admitted, Formatted(2L))
            .Add(Class, "@a and @A", "DELETE FROM items WHERE owner_id = @a OR id = @A", Any, Named("@A", 999L), Named("@a", 1L))
            .Add(Class, "parameter in SET", "UPDATE items SET title = @t WHERE id = @id", Admitted, Named("@t", "new"), Named("@id", 1L))
            .Add(Class, "placeholder inside a string", "DELETE FROM items WHERE title = '@id' OR id = @id", Admitted, Named("@id", 5L))
            .Add(Class, "placeholder inside a comment", "DELETE FROM items WHERE id = 1 /* OR id = @id */", Any, Named("@id", 6L))
            .Add(Class, "unbound parameter", "DELETE FROM items WHERE id = @missing")
            .Add(Class, "value that reads like SQL", "DELETE FROM items WHERE title = @t", Admitted, Named("@t", "' OR 1=1 --"))
            .Add(Class, "parameters in UPDATE FROM", "UPDATE items AS i SET views = @v FROM tags AS t WHERE t.item_id = i.id AND t.label = @label", Admitted, Named("@v", 5), Named("@label", "red"))
            .Add(Class, "non-ASCII parameter name", "DELETE FROM items WHERE id = @\u0438\u0434", Admitted, Named("@\u0438\u0434", 7L));
    }

    private static void Forms(CaseCatalog catalog)
    {
        const string Class = "forms";
        catalog
            .Add(Class, "alias", "DELETE FROM items AS i WHERE i.owner_id = 3", Admitted)
            .Add(Class, "UPDATE FROM a subquery matching a row twice", "UPDATE items AS i SET views = 1 FROM (SELECT item_id FROM tags) AS t WHERE t.item_id = i.id", Admitted)
            .Add(Class, "IN subquery", "DELETE FROM items WHERE id IN (SELECT item_id FROM tags WHERE label = 'red')", Admitted)
            .Add(Class, "correlated EXISTS", "DELETE FROM items WHERE EXISTS (SELECT 1 FROM tags WHERE tags.item_id = items.id)", Admitted)
            .Add(Class, "scalar subquery in SET", "UPDATE items SET title = coalesce((SELECT label FROM tags WHERE tags.item_id = items.id LIMIT 1), title) WHERE id < 4", Admitted)
            .Add(Class, "RETURNING *", "DELETE FROM items WHERE id = 4 RETURNING *", Admitted)
            .Add(Class, "upsert DO UPDATE", "INSERT INTO slots (id, name) VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET name = excluded.name", UnknownCost)
            .Add(Class, "upsert DO NOTHING", "INSERT INTO slots (id, name) VALUES (1, 'z') ON CONFLICT DO NOTHING")
            .Add(Class, "CTE", "WITH doomed AS (SELECT id FROM items WHERE owner_id = 1) DELETE FROM items WHERE id IN (SELECT id FROM doomed)", UnknownCost)
            .Add(Class, "recursive CTE", "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) DELETE FROM items WHERE id IN (SELECT x FROM n)", UnknownCost)
            .Add(Class, "two deletes", "DELETE FROM items WHERE id = 1; DELETE FROM items", UnknownCost)
            .Add(Class, "a select, then a delete", "SELECT 1; DELETE FROM items", UnknownCost)
            .Add(Class, "EXPLAIN", "EXPLAIN DELETE FROM items")
            .Add(Class, "ORDER BY and LIMIT", "DELETE FROM items WHERE id > 0 ORDER BY id LIMIT 2")
            .Add(Class, "row-value SET", "UPDATE items SET (title, views) = ('x', 1) WHERE id = 1")
            .Add(Class, "MERGE", "MERGE INTO items USING slots ON items.id = slots.id WHEN MATCHED THEN DELETE", UnknownCost)
            .Add(Class, "CALL", "CALL purge_owner(1)", UnknownCost)
            .Add(Class, "WHERE CURRENT OF", "UPDATE items SET title = 'x' WHERE CURRENT OF c")
            .Add(Class, "maximum by subquery", "DELETE FROM items WHERE id = (SELECT max(id) FROM items)", Admitted)
            .Add(Class, "UPDATE FROM the same table", "UPDATE items SET views = items.views + 1 FROM items AS other WHERE other.id = items.id + 1", Admitted)
            .Add(Class, "UPDATE FROM a cross join", "UPDATE items SET views = 3 FROM tags, slots WHERE tags.item_id = items.id AND slots.id = 1", Admitted)
            .Add(Class, "RETURNING a subquery", "DELETE FROM items WHERE id = 1 RETURNING (SELECT count(*) FROM tags)", Admitted)
            .Add(Class, "SELECT FOR UPDATE is a read", "SELECT * FROM items WHERE id = 1 FOR UPDATE");
    }

    // Each hides rows from a reader that gets one lexical rule wrong; the row budget blocks the statement when the
    // guard reads it as the engine does and sees them.
    private static void LexicalTraps(CaseCatalog catalog)
        => catalog
            .Add(Trap("backslash before a quote ends the string", "DELETE FROM items WHERE title = 'x\\' OR true --'", OverRowBudget))
            .Add(Trap("empty string, then OR true", "DELETE FROM items WHERE title = '' OR true --'", OverRowBudget))
            .Add(Trap("CRLF ends a line comment", "DELETE FROM items WHERE owner_id = 1 --\r\n OR true", OverRowBudget))
            .Add(Trap("line separator does not end a line comment", "DELETE FROM items WHERE owner_id = 1 -- \u2028 OR true", Admitted))
            .Add(Trap("next line does not end a line comment", "DELETE FROM items WHERE owner_id = 1 -- \u0085 OR true", Admitted))
            .Add(Trap("empty block comment as the only separator", "DELETE FROM items WHERE owner_id = 1 OR/**/true", OverRowBudget))
            .Add(Trap("line comment as the only separator", "DELETE FROM items WHERE owner_id = 1 OR-- x\ntrue", OverRowBudget))
            .Add(Trap("unterminated block comment", "DELETE FROM items WHERE owner_id = 1 /* OR true", Any));
}
