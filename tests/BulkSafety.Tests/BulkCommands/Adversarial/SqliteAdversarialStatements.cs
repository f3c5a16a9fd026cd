using BulkSafety.Testing.AdversarialSql;
using static BulkSafety.Testing.AdversarialSql.CaseParameter;
using static BulkSafety.Testing.AdversarialSql.CommonStatements;
using static BulkSafety.Testing.AdversarialSql.ExpectedVerdict;

namespace BulkSafety.Tests.BulkCommands.Adversarial;

/// <summary>
/// The statements the SQLite run attacks the guard with: those both engines read alike (<see cref="CommonStatements"/>)
/// and SQLite's own, by attack class.
/// </summary>
internal static class SqliteAdversarialStatements
{
    public static CaseCatalog Catalog { get; } = Build();

    private static CaseCatalog Build()
    {
        var catalog = CommonStatements.AddTo(new CaseCatalog());
        Control(catalog);
        Literals(catalog);
        Quoting(catalog);
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
            .Add(Class, "update OR IGNORE", "UPDATE OR IGNORE items SET views = 7 WHERE owner_id = 3", Admitted)
            .Add(Class, "delete by LIKE", "DELETE FROM items WHERE title LIKE 'item 1%'", Admitted);
    }

    private static void Literals(CaseCatalog catalog)
    {
        const string Class = "literals";
        catalog
            .Add(Class, "blob literal", "DELETE FROM items WHERE CAST(code AS BLOB) = X'432D31' OR id = 7", Admitted)
            .Add(Class, "E'' is no escape string", "DELETE FROM items WHERE title = E'\\' OR id = 8 --'")
            .Add(Class, "dollar quotes are no strings", "DELETE FROM items WHERE title = $$x$$ OR id = 9")
            .Add(Class, "char(59) concatenated", "DELETE FROM items WHERE title = 'a' || char(59) || 'b -- c' OR id = 1", Admitted)
            .Add(Class, "N'' is no national string", "DELETE FROM items WHERE title = N'item 1'");
    }

    private static void Quoting(CaseCatalog catalog)
    {
        const string Class = "quoting";
        catalog
            .Add(Class, "brackets", "DELETE FROM [items] WHERE [id] = 2", Admitted)
            .Add(Class, "backticks", "DELETE FROM `items` WHERE `id` = 3", Admitted)
            .Add(Class, "quoted names in upper case", "DELETE FROM \"ITEMS\" WHERE \"ID\" = 4", Admitted)
            .Add(Class, "brackets around names with a space and a keyword", "DELETE FROM [Odd Table] WHERE [Where] = 1", Admitted)
            .Add(Class, "backticks around a name with a double quote", "DELETE FROM `Odd Table` WHERE `Quote\"d` = 'x'", Admitted)
            .Add(Class, "schema-qualified main", "DELETE FROM main.items WHERE id = 1")
            .Add(Class, "quoted schema and table", "DELETE FROM \"main\".\"items\" WHERE id = 2")
            .Add(Class, "bracketed alias named where", "DELETE FROM items AS [where] WHERE [where].id = 6", Admitted)
            .Add(Class, "mixed quoting in an update", "UPDATE items SET \"title\" = 'x' WHERE [owner_id] = 1 AND `views` = 0", Admitted);
    }

    private static void Parameters(CaseCatalog catalog)
    {
        const string Class = "parameters";
        catalog
            .Add(Class, "$name", "DELETE FROM items WHERE id = $id", Admitted, Named("$id", 3L))
            .Add(Class, "positional ?", "DELETE FROM items WHERE id = ?", Any, Positional(4L))
            .Add(Class, "numbered ?1 used twice", "DELETE FROM items WHERE owner_id = ?1 OR id = ?1", Any, Named("?1", 3L))
            .Add(Class, "numbered ?2 before ?1", "DELETE FROM items WHERE id = ?2 OR owner_id = ?1", Any, Named("?1", 3L), Named("?2", 1L))
            .Add(Class, "?NNN in SET, ? in WHERE", "UPDATE items SET title = ?1 WHERE owner_id = ?", Any, Named("?1", "t"), Positional(1L))
            .Add(Class, "? in SET", "UPDATE items SET title = ? WHERE id = ?", Any, Positional("t"), Positional(1L))
            .Add(Class, "TCL-style $a::b", "DELETE FROM items WHERE id = $a::b", Any, Named("$a::b", 1L))
            .Add(Class, "NULL value", "DELETE FROM items WHERE body IS @b", Admitted, Named("@b", null));
    }

    private static void Forms(CaseCatalog catalog)
    {
        const string Class = "forms";
        catalog
            .Add(Class, "REPLACE", "REPLACE INTO items (id, owner_id, code, title, views) VALUES (13, 1, 'C-1', 'new', 0)", UnknownCost)
            .Add(Class, "INSERT OR REPLACE", "INSERT OR REPLACE INTO items (id, owner_id, code, title, views) VALUES (1, 1, 'C-1', 'replaced', 0)", UnknownCost)
            .Add(Class, "CTE read as a table", "WITH doomed AS (SELECT id FROM items WHERE owner_id = 1) DELETE FROM items WHERE id IN doomed", UnknownCost)
            .Add(Class, "trailing semicolons", "DELETE FROM items WHERE id = 2;;", Admitted)
            .Add(Class, "semicolon, then a line comment", "DELETE FROM items WHERE id = 3; -- done", Admitted)
            .Add(Class, "semicolon, block comment, semicolon", "DELETE FROM items WHERE id = 4; /* done */ ;", Admitted)
            .Add(Class, "EXPLAIN QUERY PLAN", "EXPLAIN QUERY PLAN DELETE FROM items WHERE id = 1")
            .Add(Class, "UPDATE OR REPLACE", "UPDATE OR REPLACE items SET code = 'C-1' WHERE id = 2", UnknownCost)
            .Add(Class, "UPDATE OR ROLLBACK", "UPDATE OR ROLLBACK items SET views = 2 WHERE id = 2", Admitted)
            .Add(Class, "INDEXED BY", "DELETE FROM items INDEXED BY sqlite_autoindex_items_1 WHERE code = 'C-1'")
            .Add(Class, "NOT INDEXED", "DELETE FROM items NOT INDEXED WHERE id = 1")
            .Add(Class, "IS DISTINCT FROM an empty subquery in SET", "UPDATE items SET views = title IS DISTINCT FROM (SELECT NULL WHERE 0)", Admitted)
            .Add(Class, "IS NOT DISTINCT FROM a string in SET", "UPDATE items SET views = title IS NOT DISTINCT FROM 'item 1' WHERE id < 3")
            .Add(Class, "rowid", "DELETE FROM items WHERE rowid = 5", Admitted)
            .Add(Class, "temp schema", "DELETE FROM temp.items WHERE id = 1")
            .Add(Class, "TRUNCATE", "TRUNCATE items")
            .Add(Class, "DO", "DO UPDATE items SET views = 1", UnknownCost)
            .Add(Class, "COPY", "COPY items FROM 'x'");
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
            .Add(Class, "abs()", "DELETE FROM items WHERE id = abs(-4)", Admitted)
            .Add(Class, "application function in RETURNING only", "UPDATE items SET views = 1 WHERE id = 5 RETURNING audit(id)", Admitted)
            .Add(new AdversarialCase(Class, "application function in the predicate, inside a transaction", ["DELETE FROM items WHERE audit(id) = id"], [], UnknownCost) { InTransaction = true })
            .Add(new AdversarialCase(Class, "application collation in the predicate, inside a transaction", ["DELETE FROM items WHERE title = 'item 1' COLLATE audit_coll"], [], UnknownCost) { InTransaction = true })
            .Add(new AdversarialCase(Class, "built-ins only, inside a transaction", ["DELETE FROM items WHERE lower(title) = 'item 2' AND length(code) = 3"], [], Admitted) { InTransaction = true });
    }

    private static void LexicalTraps(CaseCatalog catalog)
        => catalog
            .Add(Trap("nested comment: SQLite ends it at the first */", "DELETE FROM items WHERE owner_id = 1 /* /* */ OR true --*/", OverRowBudget))
            .Add(Trap("CR alone does not end a line comment", "DELETE FROM items WHERE owner_id = 1 -- only owner 1\r OR true", Admitted))
            .Add(Trap("quote inside a bracketed alias", "DELETE FROM items AS [it's] WHERE [it's].owner_id = 1 OR true --'", OverRowBudget))
            .Add(new AdversarialCase("lexical traps", "bracketed name holding a double quote", ["DELETE FROM \"Odd Table\" WHERE [Quote\"d] = 'x' OR true --\""], [], OverRowBudget) { MaxRows = 2 })
            .Add(new AdversarialCase("lexical traps", "backticked name holding a double quote", ["DELETE FROM \"Odd Table\" WHERE `Quote\"d` = 'x' OR true --\""], [], OverRowBudget) { MaxRows = 2 });

    private static void SchemaEffects(CaseCatalog catalog)
    {
        // Rows the schema makes a statement change beyond the ones its text names. The guard counts what ON DELETE CASCADE
        // and SET NULL write; not fixed: it does not read a table's ON CONFLICT REPLACE (docs/guard.md).
        const string Class = "schema effects";
        const string ReplaceConflict = "a UNIQUE ... ON CONFLICT REPLACE column makes SQLite delete the row the new value conflicts with (and act on its foreign keys); the guard counts the statement's own rows only";
        catalog
            // The notes the database sets to NULL are counted by a probe, which refuses here: notes.text declares the
            // application's collation. Unknown cost, never a count of zero (counted: DatabaseSetNullTests).
            .Add(new AdversarialCase(Class, "delete a slot whose notes are set to NULL", ["DELETE FROM slots WHERE id = 1"], [], UnknownCost))
            .Add(new AdversarialCase(Class, "update into a name that REPLACE-conflicts", ["UPDATE slots SET name = 'a' WHERE id = 2"], [], Admitted) { KnownDefect = ReplaceConflict })
            .Add(new AdversarialCase(Class, "plain insert of a name that REPLACE-conflicts", ["INSERT INTO slots (id, name) VALUES (4, 'a')"], [], Admitted)
            {
                KnownDefect = ReplaceConflict + "; a plain INSERT is not even judged",
            });
    }
}
