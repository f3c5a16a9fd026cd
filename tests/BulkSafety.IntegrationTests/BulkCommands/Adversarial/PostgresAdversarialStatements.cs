using BulkSafety.Testing.AdversarialSql;
using static BulkSafety.Testing.AdversarialSql.CaseParameter;
using static BulkSafety.Testing.AdversarialSql.CommonStatements;
using static BulkSafety.Testing.AdversarialSql.ExpectedVerdict;

namespace BulkSafety.IntegrationTests.BulkCommands.Adversarial;

/// <summary>
/// The statements the PostgreSQL run attacks the guard with: those both engines read alike (<see cref="CommonStatements"/>)
/// and PostgreSQL's own, by attack class. On top of the common seed, <c>items_archive</c> inherits <c>items</c> with
/// items 101 (owner 1) and 102 (owner 3), and <c>decoy.items</c> holds two rows (<see cref="PostgresAdversarialDatabase"/>).
/// </summary>
internal static class PostgresAdversarialStatements
{
    public static CaseCatalog Catalog { get; } = Build();

    private static CaseCatalog Build()
    {
        var catalog = CommonStatements.AddTo(new CaseCatalog());

        // The statement's plan scans or compares more than the counting query's, so the guard refuses to count them
        // (over-conservative, not unsafe): a subquery in the RETURNING or SET list, a condition printed with other
        // parentheses.
        catalog
            .Expect("forms: RETURNING a subquery", UnknownCost)
            .Expect("forms: scalar subquery in SET", UnknownCost)
            .Expect("forms: UPDATE FROM the same table", UnknownCost);
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
            .Add(Class, "delete USING a join", "DELETE FROM items AS i USING tags AS t WHERE t.item_id = i.id AND t.label = 'red'", Admitted)
            .Add(Class, "update ONLY the parent table", "UPDATE ONLY items SET views = 1 WHERE owner_id = 1", Admitted)
            .Add(Class, "delete by prefix", "DELETE FROM items WHERE starts_with(title, 'item 1')", Admitted)
            .Add(Class, "TRUNCATE a table nothing refers to", "TRUNCATE tags", Admitted);
    }

    private static void Literals(CaseCatalog catalog)
    {
        const string Class = "literals";
        catalog
            .Add(Class, "E'' with an escaped quote", "DELETE FROM items WHERE title = E'it\\'s 7' OR id = 4", Admitted)
            .Add(Class, "E'' escaped backslash, then code", "DELETE FROM items WHERE title = E'\\\\' OR id = 5 --'", Admitted)
            .Add(Class, "lower-case e'' with an escaped quote at its end", "DELETE FROM items WHERE title = e'a\\'' OR id = 7 --'", Admitted)
            .Add(Class, "U&'' with a Unicode escape", "DELETE FROM items WHERE title = U&'\\0069tem 1' OR id = 8", Admitted)
            .Add(Class, "U&'' UESCAPE", "DELETE FROM items WHERE title = U&'!0069tem 1' UESCAPE '!' OR id = 8", Admitted)
            .Add(Class, "U&'' escaping a quote", "DELETE FROM items WHERE title = U&'x\\0027 OR true --'", Admitted)
            .Add(Class, "empty-tag dollar quote holding a quote", "DELETE FROM items WHERE title = $$it's 7$$ OR id = 9", Admitted)
            .Add(Class, "tagged dollar quote holding ; and --", "DELETE FROM items WHERE title = $tag$a;b -- c$tag$ OR id = 10", Admitted)
            .Add(Class, "dollar quote holding another tag", "DELETE FROM items WHERE title = $a$ $b$ ; $a$ OR id = 10", Admitted)
            .Add(Class, "dollar quote holding WHERE 1=1", "DELETE FROM items WHERE title = $$WHERE 1=1$$", Admitted)
            .Add(Class, "string continued on the next line", "DELETE FROM items WHERE title = 'item'\n' 1'", Admitted)
            .Add(Class, "E'' continued on the next line", "DELETE FROM items WHERE title = E'a'\n'\\' OR true --'")
            .Add(Class, "bit string", "DELETE FROM items WHERE views::bit(3) = B'000' AND id = 1", Admitted)
            .Add(Class, "hexadecimal bit string", "DELETE FROM items WHERE views::bit(8) = X'00' AND id = 2", Admitted)
            .Add(Class, "national character string", "DELETE FROM items WHERE title = N'item 1'", Admitted)
            .Add(Class, "unterminated dollar quote", "DELETE FROM items WHERE title = $$x OR id = 1")
            .Add(Class, "chr(59) concatenated", "DELETE FROM items WHERE title = 'a' || chr(59) || 'b -- c' OR id = 1", Admitted);
    }

    private static void Quoting(CaseCatalog catalog)
    {
        const string Class = "quoting";
        catalog
            .Add(Class, "quoted names in upper case", "DELETE FROM \"ITEMS\" WHERE id = 1")
            .Add(Class, "unquoted names in upper case", "DELETE FROM ITEMS WHERE ID = 2", Admitted)
            .Add(Class, "brackets are no quotes", "DELETE FROM [items] WHERE id = 1")
            .Add(Class, "backticks are no quotes", "DELETE FROM `items` WHERE id = 1")
            .Add(Class, "schema-qualified public", "DELETE FROM public.items WHERE id = 1")
            .Add(Class, "quoted schema and table", "DELETE FROM \"public\".\"items\" WHERE id = 2")
            .Add(Class, "same-named table in another schema", "DELETE FROM decoy.items WHERE id = 1", UnknownCost)
            .Add(Class, "table named with a Unicode escape", "DELETE FROM U&\"\\0069tems\" WHERE id = 3")
            .Add(Class, "alias named WHERE", "DELETE FROM items AS \"WHERE\" WHERE \"WHERE\".id = 4", Admitted)
            .Add(Class, "quoted column in the wrong case", "UPDATE items SET \"views\" = 1 WHERE \"OWNER_ID\" = 1");
    }

    private static void Parameters(CaseCatalog catalog)
    {
        const string Class = "parameters";
        catalog
            .Add(Class, "$1 beside a named parameter", "DELETE FROM items WHERE id = $1", Any, Named("p", 3L))
            .Add(Class, "placeholder after a comment ended by CR", "DELETE FROM items WHERE id = 1 -- x\r OR id = @id", Admitted, Named("@id", 6L))
            .Add(Class, "placeholder inside a dollar quote", "DELETE FROM items WHERE title = $$@id$$ OR id = @id", Admitted, Named("@id", 5L))
            .Add(Class, "placeholder with a cast", "DELETE FROM items WHERE id = @id::bigint", Admitted, Named("@id", 2L))
            .Add(Class, "placeholder glued to $", "DELETE FROM items WHERE id = @p$x", Any, Named("@p", 2L))
            .Add(Class, "placeholder glued to a no-break space", "DELETE FROM items WHERE id = @id\u00A0", Any, Named("@id", 2L))
            .Add(Class, "@@ is no placeholder", "DELETE FROM items WHERE id = @@id", Any, Named("@id", 2L))
            .Add(Class, "NULL value", "DELETE FROM items WHERE body IS NOT DISTINCT FROM @b", Admitted, Named("@b", null))
            .Add(Class, "placeholder named by digits (Npgsql binds it, PostgreSQL reads @ 1)", "DELETE FROM items WHERE id > @1", UnknownCost, Named("1", 0L))
            .Add(Class, "placeholder name with a dot (Npgsql binds it whole)", "DELETE FROM items AS p WHERE p.id <> @p.id", UnknownCost, Named("p.id", 5L))
            .Add(Class, "placeholder followed by a dot (Npgsql leaves it unbound)", "DELETE FROM items AS p WHERE p.id <> @p.id", UnknownCost, Named("p", 5L));
    }

    private static void Forms(CaseCatalog catalog)
    {
        const string Class = "forms";
        catalog
            .Add(Class, "alias without AS", "DELETE FROM items i WHERE i.owner_id = 3", Admitted)
            .Add(Class, "USING list matching a row twice", "DELETE FROM items AS i USING tags AS t WHERE t.item_id = i.id", Admitted)
            .Add(Class, "ONLY with USING", "DELETE FROM ONLY items AS i USING tags AS t WHERE t.item_id = i.id AND i.owner_id = 1", Admitted)
            .Add(Class, "delete reaching an inheriting table", "DELETE FROM items WHERE owner_id = 3", Admitted)
            .Add(Class, "ONLY leaves the inheriting table alone", "DELETE FROM ONLY items WHERE owner_id = 3", Admitted)
            .Add(Class, "table name with *", "DELETE FROM items* WHERE id = 1")
            .Add(Class, "CTE that deletes", "WITH d AS (DELETE FROM items WHERE id = 1 RETURNING id) SELECT count(*) FROM d", UnknownCost)
            .Add(Class, "EXPLAIN ANALYZE", "EXPLAIN ANALYZE DELETE FROM items", UnknownCost)
            .Add(Class, "EXPLAIN with ANALYZE among options", "EXPLAIN (COSTS OFF, ANALYZE) DELETE FROM items WHERE owner_id = 1", UnknownCost)
            .Add(Class, "DO block", "DO $$ BEGIN DELETE FROM items; END $$", UnknownCost)
            .Add(Class, "DO block in a tagged dollar quote", "DO $body$ BEGIN UPDATE items SET views = 9; END $body$", UnknownCost)
            .Add(Class, "COPY of a DELETE", "COPY (DELETE FROM items WHERE id = 1 RETURNING id) TO STDOUT", UnknownCost)
            .Add(Class, "COPY of a table", "COPY items TO STDOUT")
            .Add(Class, "TRUNCATE a referenced table", "TRUNCATE items")
            .Add(Class, "TRUNCATE ... CASCADE", "TRUNCATE items CASCADE", UnknownCost)
            .Add(Class, "TRUNCATE two tables", "TRUNCATE tags, notes", UnknownCost)
            .Add(Class, "TRUNCATE ONLY", "TRUNCATE ONLY tags", Admitted)
            .Add(Class, "TRUNCATE TABLE ... RESTART IDENTITY", "TRUNCATE TABLE tags RESTART IDENTITY", Admitted)
            .Add(Class, "trailing semicolons", "DELETE FROM items WHERE id = 2;;")
            .Add(Class, "semicolon, then a line comment", "DELETE FROM items WHERE id = 3; -- done")
            .Add(Class, "IS DISTINCT FROM inside CASE in SET", "UPDATE items SET views = CASE WHEN title IS DISTINCT FROM 'item 1' THEN 1 ELSE 0 END WHERE owner_id = 1", Admitted)
            .Add(Class, "IS DISTINCT FROM an empty subquery in SET", "UPDATE items SET views = (title IS DISTINCT FROM (SELECT NULL WHERE false))::int", UnknownCost)
            .Add(Class, "UPDATE FROM a VALUES list", "UPDATE items AS i SET views = v.n FROM (VALUES (1, 10), (2, 20)) AS v (id, n) WHERE v.id = i.id", Admitted)
            .Add(Class, "search_path sends the statement elsewhere", ["SET search_path = decoy, public", "DELETE FROM items WHERE id = 1"])
            .Add(Class, "standard_conforming_strings off", ["SET standard_conforming_strings = off", "DELETE FROM items WHERE title = 'a\\' OR true --'"])
            .Add(Class, "PREPARE a DELETE, then EXECUTE it", ["PREPARE purge AS DELETE FROM items WHERE owner_id = 2", "EXECUTE purge"], UnknownCost)
            .Add(Class, "PREPARE a SELECT, then EXPLAIN ANALYZE an EXECUTE", ["PREPARE recent AS SELECT * FROM items", "EXPLAIN ANALYZE EXECUTE recent"], UnknownCost);
    }

    private static void SideEffects(CaseCatalog catalog)
    {
        const string Class = "side effects";
        catalog
            .Add(Class, "plpgsql function writing an audit row", "DELETE FROM items WHERE audit(id)", UnknownCost)
            .Add(Class, "audit function in a subquery", "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE audit(id))", UnknownCost)
            .Add(Class, "audit function in the USING list", "DELETE FROM items AS i USING (SELECT audit(1) AS a) AS s WHERE i.id = 1", UnknownCost)
            .Add(Class, "audit function in SET only", "UPDATE items SET views = audit(id)::int WHERE id = 1", Admitted)
            .Add(Class, "nextval in the predicate", "DELETE FROM items WHERE id = nextval('adv_seq')", UnknownCost)
            .Add(Class, "nextval in SET only", "UPDATE items SET views = nextval('adv_seq') WHERE id = 2", Admitted)
            .Add(Class, "pg_advisory_lock in the predicate", "DELETE FROM items WHERE owner_id = 1 AND pg_advisory_lock(7) IS NOT NULL", UnknownCost)
            .Add(Class, "schema-qualified pg_advisory_lock", "DELETE FROM items WHERE pg_catalog.pg_advisory_lock(7) IS NOT NULL", UnknownCost)
            .Add(Class, "quoted pg_advisory_lock", "DELETE FROM items WHERE \"pg_advisory_lock\"(7) IS NOT NULL", UnknownCost)
            .Add(Class, "upper-case pg_advisory_lock", "DELETE FROM items WHERE PG_ADVISORY_LOCK(7) IS NOT NULL", UnknownCost)
            .Add(Class, "pg_advisory_lock in SET only", "UPDATE items SET views = 1 + (pg_advisory_lock(8) IS NULL)::int WHERE id = 3", Admitted)
            .Add(Class, "random()", "DELETE FROM items WHERE random() < 0.5", UnknownCost)
            .Add(Class, "set_config()", "DELETE FROM items WHERE set_config('adv.x', 'y', false) IS NOT NULL", UnknownCost)
            .Add(Class, "user function that says it is stable", "DELETE FROM items WHERE stable_lock(id)", UnknownCost)
            .Add(Class, "user operator running a volatile function", "DELETE FROM items WHERE title === 'item 1'", UnknownCost)
            .Add(Class, "schema-qualified user operator", "DELETE FROM items WHERE title OPERATOR(public.===) 'item 1'", UnknownCost)
            .Add(Class, "LIKE resolving to a user operator", "DELETE FROM items WHERE owner_id LIKE '1'", UnknownCost)
            .Add(Class, "LIKE on text beside a user LIKE operator (refused by the operator's name)", "DELETE FROM items WHERE title LIKE 'item 1%'", UnknownCost)
            .Add(Class, "cast through a user cast function", "DELETE FROM items WHERE views::smallint::text = '0' AND id = 1", UnknownCost)
            .Add(Class, "CAST() through a user cast function", "DELETE FROM items WHERE CAST(CAST(views AS smallint) AS text) = '0' AND id = 2", UnknownCost)
            .Add(new AdversarialCase(Class, "implicit user cast", ["DELETE FROM items WHERE now() - views::smallint <= now() AND id = 3"], [], UnknownCost)
            {
                Arrange = ["CREATE CAST (smallint AS interval) WITH FUNCTION locking_interval(smallint) AS IMPLICIT"],
                CleanUp = ["DROP CAST (smallint AS interval)"],
            })
            .Add(Class, "cast to a domain", "DELETE FROM items WHERE title::code_e = 'item 1'", UnknownCost)
            .Add(Class, "current_setting()", "DELETE FROM items WHERE current_setting('adv.missing', true) IS NULL AND id = 4", Admitted)
            .Add(Class, "audit function in RETURNING only", "UPDATE items SET views = 1 WHERE id = 5 RETURNING audit(id)", Admitted)
            .Add(new AdversarialCase(Class, "audit function in the predicate, inside a transaction", ["DELETE FROM items WHERE audit(id)"], [], UnknownCost) { InTransaction = true })
            .Add(new AdversarialCase(Class, "nextval in SET only, inside a transaction", ["UPDATE items SET views = nextval('adv_seq') WHERE id = 2"], [], Admitted) { InTransaction = true })
            .Add(new AdversarialCase(Class, "lock in the predicate, inside a transaction", ["DELETE FROM items WHERE pg_advisory_lock(9) IS NOT NULL"], [], UnknownCost) { InTransaction = true })
            .Add(new AdversarialCase(Class, "LIKE resolving to a user operator, inside a transaction", ["DELETE FROM items WHERE owner_id LIKE '2'"], [], UnknownCost) { InTransaction = true });
    }

    private static void LexicalTraps(CaseCatalog catalog)
        => catalog
            .Add(Trap("CR alone ends a line comment", "DELETE FROM items WHERE owner_id = 1 -- only owner 1\r OR true", OverRowBudget))
            .Add(Trap("nested comments nest", "DELETE FROM items WHERE owner_id = 1 /* a /* b */ OR true */", Admitted))
            .Add(Trap("nested comment with a line comment inside", "DELETE FROM items WHERE owner_id = 1 /* a /* b */ OR true --*/", Admitted))
            .Add(Trap("E'' escaped quote hides OR true", "DELETE FROM items WHERE title = E'x\\' OR true --'", Admitted))
            .Add(Trap("dollar quote, then OR true", "DELETE FROM items WHERE title = $a$x$a$ OR true --$a$", OverRowBudget))
            .Add(Trap("dollar quote holding OR true", "DELETE FROM items WHERE owner_id = 1 AND title <> $a$ $b$ OR true $b$ $a$", Admitted))
            .Add(Trap("U&'' escaped quote hides OR true", "DELETE FROM items WHERE owner_id = 1 AND title <> U&'x\\0027 OR true --'", Admitted))
            .Add(Trap("string continuation hides OR true", "DELETE FROM items WHERE owner_id = 1 AND title <> 'x'\n' OR true --'", Admitted))
            .Add(new AdversarialCase("lexical traps", "Npgsql reads code_e'...' as an E'' string and splits at its ;", ["DELETE FROM items WHERE title = code_e'\\' -- '; DELETE FROM items"], [], UnknownCost))
            .Add(new AdversarialCase("lexical traps", "Npgsql reads code_e'...' as an E'' string and leaves @id unbound", ["DELETE FROM items WHERE title = code_e'\\' OR id = @id --'"], [Named("@id", 5L)], UnknownCost))
            .Add(new AdversarialCase("lexical traps", "Npgsql reads a dollar quote inside a name and leaves @id unbound", ["DELETE FROM items AS \u0100\u0100$q$ WHERE id = @id OR \u0100\u0100$q$.id = 0"], [Named("@id", 5L)], UnknownCost));

    private static void SchemaEffects(CaseCatalog catalog)
        => catalog.Add(new AdversarialCase("schema effects", "delete a slot whose notes are set to NULL", ["DELETE FROM slots WHERE id = 1"], [], Admitted));
}
