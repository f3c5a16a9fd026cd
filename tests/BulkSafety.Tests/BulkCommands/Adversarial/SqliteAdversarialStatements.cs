using BulkSafety.Testing.AdversarialSql;
using static BulkSafety.Testing.AdversarialSql.CaseParameter;
using static BulkSafety.Testing.AdversarialSql.ExpectedVerdict;

namespace BulkSafety.Tests.BulkCommands.Adversarial;

/// <summary>
/// The statements the SQLite run attacks the guard with, by attack class. The seed (AdversarialContext.Seed): items 1–12
/// of owners 1–3 (four each), tags on items 1, 1, 2, 5, 9 (deleted with their item), slots a–c with notes on slots 1, 1,
/// 2 (set to NULL with their slot), and three rows of "Odd Table".
/// </summary>
internal static class SqliteAdversarialStatements
{
    // A statement whose reading decides between owner 1's four items and item 9 as well.
    private static readonly string[] DeleteOwnerOrItem = ["DELETE", "FROM", "items", "WHERE", "owner_id", "=", "1", "OR", "id", "=", "9"];

    public static CaseCatalog Catalog { get; } = Build();

    private static CaseCatalog Build()
    {
        var catalog = new CaseCatalog();
        Control(catalog);
        Generated(catalog);
        Literals(catalog);
        Quoting(catalog);
        Unicode(catalog);
        Parameters(catalog);
        Forms(catalog);
        SideEffects(catalog);
        LexicalTraps(catalog);
        SchemaEffects(catalog);
        return catalog;
    }

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
            .Add(Class, "update OR IGNORE", "UPDATE OR IGNORE items SET views = 7 WHERE owner_id = 3", Admitted)
            .Add(Class, "delete from a quoted table", "DELETE FROM \"Odd Table\" WHERE \"Where\" = 1", Admitted)
            .Add(Class, "delete by LIKE", "DELETE FROM items WHERE title LIKE 'item 1%'", Admitted)
            .Add(Class, "delete tags", "DELETE FROM tags WHERE label = 'red'", Admitted);
    }

    private static void Generated(CaseCatalog catalog)
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
            .Add(Class, "blob literal", "DELETE FROM items WHERE CAST(code AS BLOB) = X'432D31' OR id = 7", Admitted)
            .Add(Class, "string holding a whole statement", "DELETE FROM items WHERE title = ''';DELETE FROM items;--'", Admitted)
            .Add(Class, "E'' is no escape string", "DELETE FROM items WHERE title = E'\\' OR id = 8 --'")
            .Add(Class, "string holding CR LF and --", "DELETE FROM items WHERE title = 'x\r\n-- ' OR id = 8", Admitted)
            .Add(Class, "dollar quotes are no strings", "DELETE FROM items WHERE title = $$x$$ OR id = 9")
            .Add(Class, "double-quoted string", "DELETE FROM items WHERE title = \"item 1\" OR id = 10")
            .Add(Class, "string holding RETURNING", "DELETE FROM items WHERE title = ' RETURNING ' OR id = 10", Admitted)
            .Add(Class, "string holding brackets and backticks", "DELETE FROM items WHERE title = '[x] `y` \"z\"' OR id = 11", Admitted)
            .Add(Class, "char(59) concatenated", "DELETE FROM items WHERE title = 'a' || char(59) || 'b -- c' OR id = 1", Admitted)
            .Add(Class, "unterminated string", "DELETE FROM items WHERE title = 'x OR id = 1")
            .Add(Class, "N'' is no national string", "DELETE FROM items WHERE title = N'item 1'");
    }

    private static void Quoting(CaseCatalog catalog)
    {
        const string Class = "quoting";
        catalog
            .Add(Class, "double quotes", "DELETE FROM \"items\" WHERE \"id\" = 1", Admitted)
            .Add(Class, "brackets", "DELETE FROM [items] WHERE [id] = 2", Admitted)
            .Add(Class, "backticks", "DELETE FROM `items` WHERE `id` = 3", Admitted)
            .Add(Class, "quoted names in upper case", "DELETE FROM \"ITEMS\" WHERE \"ID\" = 4", Admitted)
            .Add(Class, "unquoted names in mixed case", "DELETE FROM ItEmS WHERE Owner_Id = 2", Admitted)
            .Add(Class, "alias named like a keyword and a column", "DELETE FROM \"Odd Table\" AS \"Where\" WHERE \"Where\".\"Where\" = 2", Admitted)
            .Add(Class, "column with a doubled quote", "UPDATE \"Odd Table\" SET \"Quote\"\"d\" = 'z' WHERE \"Quote\"\"d\" = 'it''s'", Admitted)
            .Add(Class, "brackets around names with a space and a keyword", "DELETE FROM [Odd Table] WHERE [Where] = 1", Admitted)
            .Add(Class, "backticks around a name with a double quote", "DELETE FROM `Odd Table` WHERE `Quote\"d` = 'x'", Admitted)
            .Add(Class, "alias with a space", "DELETE FROM items AS \"a b\" WHERE \"a b\".id = 5", Admitted)
            .Add(Class, "table name with a trailing space", "DELETE FROM \"items \" WHERE id = 1")
            .Add(Class, "schema-qualified main", "DELETE FROM main.items WHERE id = 1")
            .Add(Class, "quoted schema and table", "DELETE FROM \"main\".\"items\" WHERE id = 2")
            .Add(Class, "bracketed alias named where", "DELETE FROM items AS [where] WHERE [where].id = 6", Admitted)
            .Add(Class, "double-quoted column compared with itself", "DELETE FROM \"items\" WHERE \"title\" = 'item 1' OR \"id\" = \"id\"", Admitted)
            .Add(Class, "mixed quoting in an update", "UPDATE items SET \"title\" = 'x' WHERE [owner_id] = 1 AND `views` = 0", Admitted)
            .Add(Class, "quote doubled into the name", "DELETE FROM items WHERE \"owner_id\"\"\" = 1");
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
            .Add(Class, "@name", "DELETE FROM items WHERE id = @id", Admitted, Named("@id", 1))
            .Add(Class, ":name", "DELETE FROM items WHERE id = :id", Admitted, Named(":id", 2))
            .Add(Class, "$name", "DELETE FROM items WHERE id = $id", Admitted, Named("$id", 3))
            .Add(Class, "EF formatted {0}", "DELETE FROM items WHERE owner_id = {0}", Admitted, Formatted(2L))
            .Add(Class, "positional ?", "DELETE FROM items WHERE id = ?", Any, Positional(4L))
            .Add(Class, "numbered ?1 used twice", "DELETE FROM items WHERE owner_id = ?1 OR id = ?1", Any, Named("?1", 3L))
            .Add(Class, "numbered ?2 before ?1", "DELETE FROM items WHERE id = ?2 OR owner_id = ?1", Any, Named("?1", 3L), Named("?2", 1L))
            .Add(Class, "?NNN in SET, ? in WHERE", "UPDATE items SET title = ?1 WHERE owner_id = ?", Any, Named("?1", "t"), Positional(1L))
            .Add(Class, "? in SET", "UPDATE items SET title = ? WHERE id = ?", Any, Positional("t"), Positional(1L))
            .Add(Class, "@a and @A", "DELETE FROM items WHERE owner_id = @a OR id = @A", Any, Named("@A", 999L), Named("@a", 1L))
            .Add(Class, "parameter in SET", "UPDATE items SET title = @t WHERE id = @id", Admitted, Named("@t", "new"), Named("@id", 1L))
            .Add(Class, "placeholder inside a string", "DELETE FROM items WHERE title = '@id' OR id = @id", Admitted, Named("@id", 5L))
            .Add(Class, "placeholder inside a comment", "DELETE FROM items WHERE id = 1 /* OR id = @id */", Any, Named("@id", 6L))
            .Add(Class, "TCL-style $a::b", "DELETE FROM items WHERE id = $a::b", Any, Named("$a::b", 1L))
            .Add(Class, "unbound parameter", "DELETE FROM items WHERE id = @missing")
            .Add(Class, "NULL value", "DELETE FROM items WHERE body IS @b", Admitted, Named("@b", null))
            .Add(Class, "value that reads like SQL", "DELETE FROM items WHERE title = @t", Admitted, Named("@t", "' OR 1=1 --"))
            .Add(Class, "parameters in UPDATE FROM", "UPDATE items AS i SET views = @v FROM tags AS t WHERE t.item_id = i.id AND t.label = @label", Admitted, Named("@v", 5L), Named("@label", "red"))
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
            .Add(Class, "REPLACE", "REPLACE INTO items (id, owner_id, code, title, views) VALUES (13, 1, 'C-1', 'new', 0)", UnknownCost)
            .Add(Class, "INSERT OR REPLACE", "INSERT OR REPLACE INTO items (id, owner_id, code, title, views) VALUES (1, 1, 'C-1', 'replaced', 0)", UnknownCost)
            .Add(Class, "upsert DO UPDATE", "INSERT INTO slots (id, name) VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET name = excluded.name", UnknownCost)
            .Add(Class, "upsert DO NOTHING", "INSERT INTO slots (id, name) VALUES (1, 'z') ON CONFLICT DO NOTHING")
            .Add(Class, "CTE", "WITH doomed AS (SELECT id FROM items WHERE owner_id = 1) DELETE FROM items WHERE id IN doomed", UnknownCost)
            .Add(Class, "recursive CTE", "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) DELETE FROM items WHERE id IN n", UnknownCost)
            .Add(Class, "two deletes", "DELETE FROM items WHERE id = 1; DELETE FROM items", UnknownCost)
            .Add(Class, "a select, then a delete", "SELECT 1; DELETE FROM items", UnknownCost)
            .Add(Class, "trailing semicolons", "DELETE FROM items WHERE id = 2;;", Admitted)
            .Add(Class, "semicolon, then a line comment", "DELETE FROM items WHERE id = 3; -- done", Admitted)
            .Add(Class, "semicolon, block comment, semicolon", "DELETE FROM items WHERE id = 4; /* done */ ;", Admitted)
            .Add(Class, "EXPLAIN", "EXPLAIN DELETE FROM items")
            .Add(Class, "EXPLAIN QUERY PLAN", "EXPLAIN QUERY PLAN DELETE FROM items WHERE id = 1")
            .Add(Class, "UPDATE OR REPLACE", "UPDATE OR REPLACE items SET code = 'C-1' WHERE id = 2", UnknownCost)
            .Add(Class, "UPDATE OR ROLLBACK", "UPDATE OR ROLLBACK items SET views = 2 WHERE id = 2", Admitted)
            .Add(Class, "INDEXED BY", "DELETE FROM items INDEXED BY sqlite_autoindex_items_1 WHERE code = 'C-1'")
            .Add(Class, "NOT INDEXED", "DELETE FROM items NOT INDEXED WHERE id = 1")
            .Add(Class, "ORDER BY and LIMIT", "DELETE FROM items WHERE id > 0 ORDER BY id LIMIT 2")
            .Add(Class, "IS DISTINCT FROM an empty subquery in SET", "UPDATE items SET views = title IS DISTINCT FROM (SELECT NULL WHERE 0)", Admitted)
            .Add(Class, "IS NOT DISTINCT FROM a string in SET", "UPDATE items SET views = title IS NOT DISTINCT FROM 'item 1' WHERE id < 3")
            .Add(Class, "row-value SET", "UPDATE items SET (title, views) = ('x', 1) WHERE id = 1")
            .Add(Class, "rowid", "DELETE FROM items WHERE rowid = 5", Admitted)
            .Add(Class, "temp schema", "DELETE FROM temp.items WHERE id = 1")
            .Add(Class, "TRUNCATE", "TRUNCATE items")
            .Add(Class, "MERGE", "MERGE INTO items USING slots ON items.id = slots.id WHEN MATCHED THEN DELETE", UnknownCost)
            .Add(Class, "CALL", "CALL purge(1)", UnknownCost)
            .Add(Class, "DO", "DO UPDATE items SET views = 1", UnknownCost)
            .Add(Class, "COPY", "COPY items FROM 'x'")
            .Add(Class, "WHERE CURRENT OF", "UPDATE items SET title = 'x' WHERE CURRENT OF c")
            .Add(Class, "maximum by subquery", "DELETE FROM items WHERE id = (SELECT max(id) FROM items)", Admitted)
            .Add(Class, "UPDATE FROM the same table", "UPDATE items SET views = items.views + 1 FROM items AS other WHERE other.id = items.id + 1", Admitted)
            .Add(Class, "UPDATE FROM a cross join", "UPDATE items SET views = 3 FROM tags, slots WHERE tags.item_id = items.id AND slots.id = 1", Admitted)
            .Add(Class, "RETURNING a subquery", "DELETE FROM items WHERE id = 1 RETURNING (SELECT count(*) FROM tags)", Admitted)
            .Add(Class, "SELECT FOR UPDATE is a read", "SELECT * FROM items WHERE id = 1 FOR UPDATE");
    }

    private static void SideEffects(CaseCatalog catalog)
    {
        const string Class = "side effects";
        catalog
            .Add(Class, "application function in the predicate", "DELETE FROM items WHERE audit(id) = id", UnknownCost)
            .Add(Class, "application function in a subquery", "DELETE FROM items WHERE id IN (SELECT audit(id) FROM items)", UnknownCost)
            .Add(Class, "application function OR-ed in", "DELETE FROM items WHERE id = 1 OR audit(id) IS NULL", UnknownCost)
            .Add(Class, "application function in SET only", "UPDATE items SET views = audit(id) WHERE id = 1", Admitted)
            .Add(Class, "application regexp replacing EF Core's", "DELETE FROM items WHERE title REGEXP '^item 1'", UnknownCost)
            .Add(Class, "application collation in the predicate", "DELETE FROM items WHERE title = 'item 1' COLLATE audit_coll", UnknownCost)
            .Add(Class, "application collation in a subquery's ORDER BY", "DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY title COLLATE audit_coll LIMIT 2)", UnknownCost)
            .Add(Class, "application collation in SET only", "UPDATE items SET title = title COLLATE audit_coll WHERE id = 2", Admitted)
            .Add(Class, "application collation declared by the column compared", "DELETE FROM notes WHERE text = 'n1'", UnknownCost)
            .Add(Class, "application collation declared in an attached database", "DELETE FROM items WHERE id IN (SELECT id FROM aux.extra ORDER BY v LIMIT 1)", UnknownCost)
            .Add(Class, "application function under a built-in's name", "DELETE FROM items WHERE unicode(title) = 105", UnknownCost)
            .Add(Class, "random()", "DELETE FROM items WHERE random() % 2 = 0", UnknownCost)
            .Add(Class, "random() OR-ed with a key", "DELETE FROM items WHERE abs(random()) % 3 = 0 OR id = 1", UnknownCost)
            .Add(Class, "load_extension()", "DELETE FROM items WHERE load_extension('x') IS NULL", UnknownCost)
            .Add(Class, "json_each", "DELETE FROM items WHERE id IN (SELECT value FROM json_each('[1,2]'))", Admitted)
            .Add(Class, "likelihood()", "DELETE FROM items WHERE likelihood(owner_id = 1, 0.5)", Admitted)
            .Add(Class, "changes()", "DELETE FROM items WHERE changes() >= 0 AND id = 3", Admitted)
            .Add(Class, "abs()", "DELETE FROM items WHERE id = abs(-4)", Admitted);
    }

    private static void LexicalTraps(CaseCatalog catalog)
    {
        // Each hides rows from a reader that gets one lexical rule wrong; the row budget of 8 (owner 1: four items and three tags) blocks the statement when
        // the guard reads it as SQLite does and sees them.
        const string Class = "lexical traps";
        catalog
            .Add(new AdversarialCase(Class, "nested comment: SQLite ends it at the first */", ["DELETE FROM items WHERE owner_id = 1 /* /* */ OR true --*/"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "backslash before a quote ends the string", ["DELETE FROM items WHERE title = 'x\\' OR true --'"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "empty string, then OR true", ["DELETE FROM items WHERE title = '' OR true --'"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "bracketed name holding a double quote", ["DELETE FROM \"Odd Table\" WHERE [Quote\"d] = 'x' OR true --\""], [], OverRowBudget) { MaxRows = 2 })
            .Add(new AdversarialCase(Class, "backticked name holding a double quote", ["DELETE FROM \"Odd Table\" WHERE `Quote\"d` = 'x' OR true --\""], [], OverRowBudget) { MaxRows = 2 })
            .Add(new AdversarialCase(Class, "CRLF ends a line comment", ["DELETE FROM items WHERE owner_id = 1 --\r\n OR true"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "CR alone does not end a line comment", ["DELETE FROM items WHERE owner_id = 1 -- only owner 1\r OR true"], [], Admitted) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "line separator does not end a line comment", ["DELETE FROM items WHERE owner_id = 1 -- \u2028 OR true"], [], Admitted) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "next line does not end a line comment", ["DELETE FROM items WHERE owner_id = 1 -- \u0085 OR true"], [], Admitted) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "empty block comment as the only separator", ["DELETE FROM items WHERE owner_id = 1 OR/**/true"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "line comment as the only separator", ["DELETE FROM items WHERE owner_id = 1 OR-- x\ntrue"], [], OverRowBudget) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "unterminated block comment", ["DELETE FROM items WHERE owner_id = 1 /* OR true"], [], Any) { MaxRows = 8 })
            .Add(new AdversarialCase(Class, "quote inside a bracketed alias", ["DELETE FROM items AS [it's] WHERE [it's].owner_id = 1 OR true --'"], [], OverRowBudget) { MaxRows = 8 });
    }

    private static void SchemaEffects(CaseCatalog catalog)
    {
        // Rows the schema makes a statement change beyond the ones its text names. Not fixed: the guard counts only ON
        // DELETE CASCADE (docs/guard.md), and reads neither SET NULL actions nor a table's ON CONFLICT REPLACE.
        const string Class = "schema effects";
        const string ReplaceConflict = "a UNIQUE ... ON CONFLICT REPLACE column makes SQLite delete the row the new value conflicts with (and act on its foreign keys); the guard counts the statement's own rows only";
        catalog
            .Add(new AdversarialCase(Class, "delete a slot whose notes are set to NULL", ["DELETE FROM slots WHERE id = 1"], [], Admitted)
            {
                KnownDefect = "ON DELETE SET NULL: deleting the slot updates its two notes, which the guard does not count (it counts ON DELETE CASCADE only)",
            })
            .Add(new AdversarialCase(Class, "update into a name that REPLACE-conflicts", ["UPDATE slots SET name = 'a' WHERE id = 2"], [], Admitted) { KnownDefect = ReplaceConflict })
            .Add(new AdversarialCase(Class, "plain insert of a name that REPLACE-conflicts", ["INSERT INTO slots (id, name) VALUES (4, 'a')"], [], Admitted)
            {
                KnownDefect = ReplaceConflict + "; a plain INSERT is not even judged",
            });
    }
}
