using BulkSafety.Testing.AdversarialSql;
using static BulkSafety.Testing.AdversarialSql.CaseParameter;
using static BulkSafety.Testing.AdversarialSql.CommonStatements;
using static BulkSafety.Testing.AdversarialSql.ExpectedVerdict;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The statements the MariaDB run attacks the guard with, by attack class, on the common seed
/// (<see cref="MariaDbAdversarialDatabase"/>): the generated whitespace and comment variants both other engines get, and
/// MySQL's own lexical rules, <c>sql_mode</c>s, executable comments, multi-statements, stored functions and views that
/// write (to InnoDB and to MyISAM, which no rollback undoes), locks, sequences, user variables, the write forms MySQL has,
/// DDL, and transaction control — the probe-sensitive ones also inside the caller's transaction, where the probe has only
/// a savepoint.
/// </summary>
internal static class MariaDbAdversarialStatements
{
    private const string InTransaction = " (in the caller's transaction)";

    public static CaseCatalog Catalog { get; } = Build();

    private static CaseCatalog Build()
    {
        var catalog = new CaseCatalog();
        Control(catalog);
        CommonStatements.Generated(catalog);
        Comments(catalog);
        Quoting(catalog);
        SqlModes(catalog);
        MultiStatements(catalog);
        Unicode(catalog);
        Parameters(catalog);
        SideEffects(catalog);
        WriteForms(catalog);
        Definitions(catalog);
        TransactionControl(catalog);
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
            .Add(Class, "Pomelo's ExecuteDelete shape", "DELETE `i`\nFROM `items` AS `i`\nWHERE `i`.`owner_id` = 3", Admitted)
            .Add(Class, "Pomelo's ExecuteUpdate shape", "UPDATE `items` AS `i`\nSET `i`.`title` = 'x'\nWHERE `i`.`id` < 4", Admitted)
            .Add(Class, "delete from the odd table", "DELETE FROM `Odd Table` WHERE `Where` = 1", Admitted)
            .Add(Class, "delete tags", "DELETE FROM tags WHERE label = 'red'", Admitted)
            .Add(Class, "IN subquery", "DELETE FROM items WHERE id IN (SELECT item_id FROM tags WHERE label = 'red')", Admitted)
            .Add(Class, "correlated EXISTS", "DELETE FROM items WHERE EXISTS (SELECT 1 FROM tags WHERE tags.item_id = items.id)", Admitted)
            .Add(Class, "LIKE and CONCAT", "DELETE FROM items WHERE title LIKE CONCAT('item', '%') AND owner_id = 2", Admitted)
            .Add(Class, "COALESCE in the predicate", "UPDATE items SET body = NULL WHERE COALESCE(body, '') = ''", Admitted)
            .Add(Class, "LENGTH in the predicate", "DELETE FROM items WHERE LENGTH(title) > 6 AND owner_id = 3", Admitted)
            .Add(Class, "NOW and DATE_SUB", "DELETE FROM items WHERE owner_id = 1 AND DATE_SUB(NOW(), INTERVAL 1 DAY) < NOW()", Admitted)
            .Add(Class, "IF and CAST", "DELETE FROM items WHERE IF(owner_id = 2, 1, 0) = 1 AND CAST(id AS DECIMAL(10, 2)) > 5.5", Admitted)
            .Add(Class, "JSON function", "DELETE FROM items WHERE JSON_VALID('[]') AND id = 4", Admitted)
            .Add(Class, "RETURNING", "DELETE FROM items WHERE id IN (2, 3) RETURNING id, title", Admitted)
            .Add(Class, "TRUNCATE a table nothing refers to", "TRUNCATE tags", Admitted)
            .Add(Class, "TRUNCATE TABLE", "TRUNCATE TABLE tags", Admitted)
            .Add(Class, "TRUNCATE a referenced table", "TRUNCATE items");
        foreach (var name in new[] { "control: delete an owner's rows, tags cascading", "control: update a counter", "control: Pomelo's ExecuteDelete shape", "control: delete every row" })
        {
            var statement = catalog[name];
            catalog.Add(statement with { Title = statement.Title + InTransaction, InTransaction = true });
        }
    }

    // MySQL's own comments; each trap hides rows from a reader that gets one rule wrong, and the row budget blocks the
    // statement when the guard reads it as the server does and sees them.
    private static void Comments(CaseCatalog catalog)
    {
        const string Class = "MySQL comments";
        catalog
            .Add(Trap("# comment ends at a line feed", "DELETE FROM items WHERE owner_id = 1 #\n OR true", OverRowBudget))
            .Add(Trap("# comment to the end of the text", "DELETE FROM items WHERE owner_id = 1 # OR true", Admitted))
            .Add(Trap("-- without a space is two minus signs", "DELETE FROM items WHERE owner_id = 1 AND 1 --1 = 2 OR true", OverRowBudget))
            .Add(Trap("-- followed by a tab is a comment", "DELETE FROM items WHERE owner_id = 1 --\tOR true", Admitted))
            .Add(Trap("-- at the very end", "DELETE FROM items WHERE owner_id = 1 --", Admitted))
            .Add(Trap("-- comment is not ended by CR", "DELETE FROM items WHERE owner_id = 1 -- x\r OR true", Admitted))
            .Add(Trap("# comment is not ended by CR", "DELETE FROM items WHERE owner_id = 1 # x\r OR true", Admitted))
            .Add(Trap("block comment as the only separator", "DELETE FROM items WHERE owner_id = 1 OR/**/true", OverRowBudget))
            .Add(Trap("nested block comment", "DELETE FROM items WHERE owner_id = 1 /* a /* b */ OR true */", UnknownCost))
            .Add(Class, "executable comment adding OR true", "DELETE FROM items WHERE owner_id = 1 /*! OR true */", UnknownCost)
            .Add(Class, "versioned executable comment", "DELETE FROM items WHERE owner_id = 1 /*!50100 OR true */", UnknownCost)
            .Add(Class, "executable comment of a version not reached", "DELETE FROM items WHERE owner_id = 1 /*!99999 OR true */", UnknownCost)
            .Add(Class, "MariaDB executable comment", "DELETE FROM items WHERE owner_id = 1 /*M!100100 OR true */", UnknownCost)
            .Add(Class, "executable comment hiding a second statement", "DELETE FROM items WHERE id = 1 /*!; DELETE FROM tags */", UnknownCost)
            .Add(Class, "executable comment in a SELECT hiding a DELETE", "SELECT 1 /*! ; DELETE FROM items */", UnknownCost)
            .Add(Class, "executable comment as the verb's modifier", "DELETE /*! IGNORE */ FROM items WHERE id = 1", UnknownCost)
            .Add(Class, "optimizer hint", "DELETE /*+ NO_RANGE_OPTIMIZATION(items) */ FROM items WHERE id = 1", UnknownCost)
            .Add(Class, "block comment holding a quote", "DELETE FROM items WHERE id = 1 /* ' */ OR id = 2", Admitted)
            .Add(Class, "# inside a string", "DELETE FROM items WHERE title = '#' OR id = 3", Admitted)
            .Add(Class, "# comment hiding a second statement", "DELETE FROM items WHERE id = 1 # ; DELETE FROM tags", Admitted)
            .Add(Class, "-- comment hiding a second statement", "DELETE FROM items WHERE id = 1 -- ; DELETE FROM tags", Admitted)
            .Add(Class, "unterminated block comment", "DELETE FROM items WHERE owner_id = 1 /* OR true", UnknownCost);
    }

    private static void Quoting(CaseCatalog catalog)
    {
        const string Class = "quoting";
        catalog
            .Add(Trap("backslash escapes the quote", "DELETE FROM items WHERE title = 'x\\' OR true --'", Admitted))
            .Add(Trap("escaped backslash, then code", "DELETE FROM items WHERE title = 'x\\\\' OR true -- '", OverRowBudget))
            .Add(Trap("backslash in a double-quoted string", "DELETE FROM items WHERE title = \"x\\\" OR true -- \"", Admitted))
            .Add(Trap("introducer string with an escaped quote", "DELETE FROM items WHERE title = _utf8mb4'x\\' OR true -- '", Admitted))
            .Add(Trap("national string with an escaped quote", "DELETE FROM items WHERE title = N'x\\' OR true -- '", Admitted))
            .Add(Trap("hex literal ends at its quote", "DELETE FROM items WHERE title = x'5C' OR owner_id = 1", Admitted))
            .Add(Trap("empty string, then OR true", "DELETE FROM items WHERE title = '' OR true -- '", OverRowBudget))
            .Add(Class, "double quotes make a string", "DELETE FROM items WHERE \"title\" = 'item 1'", Admitted)
            .Add(Class, "doubled quote", "DELETE FROM items WHERE title = 'it''s 7' OR id = 3", Admitted)
            .Add(Class, "backslashed quote", "DELETE FROM items WHERE title = 'it\\'s 7'", Admitted)
            .Add(Class, "string holding ; and --", "DELETE FROM items WHERE title = 'a;b -- c' OR id = 2", Admitted)
            .Add(Class, "backticks", "DELETE FROM `items` WHERE `id` = 1", Admitted)
            .Add(Class, "column with a double quote", "UPDATE `Odd Table` SET `Quote\"d` = 'z' WHERE `Key` = 1", Admitted)
            .Add(Class, "doubled backtick in a name", "DELETE FROM items WHERE `id``` = 1")
            .Add(Class, "hex literal", "DELETE FROM items WHERE title = x'6974656D2031'", Admitted)
            .Add(Class, "0x literal", "DELETE FROM items WHERE title = 0x6974656D2032", Admitted)
            .Add(Class, "bit literal", "DELETE FROM items WHERE views = b'0' AND id = 2", Admitted)
            .Add(Class, "national string", "DELETE FROM items WHERE title = N'item 3'", Admitted)
            .Add(Class, "introducer and COLLATE", "DELETE FROM items WHERE title = _utf8mb4'item 4' COLLATE utf8mb4_bin", Admitted)
            .Add(Class, "brackets are no quotes", "DELETE FROM [items] WHERE id = 1")
            .Add(Class, "names in upper case", "DELETE FROM items WHERE ID = 5 OR OWNER_ID = 9", Admitted)
            .Add(Class, "alias with a space", "DELETE FROM items AS `a b` WHERE `a b`.id = 5")
            .Add(Class, "identifier starting with a digit", "DELETE FROM items WHERE id = 1e0 OR id = 2.", Admitted)
            .Add(Class, "unterminated string", "DELETE FROM items WHERE title = 'x OR id = 1", UnknownCost)
            .Add(Class, "string ending in a backslash", "DELETE FROM items WHERE title = 'x\\'", UnknownCost);
    }

    // Sessions whose sql_mode changes how the server reads the statement that follows.
    private static void SqlModes(CaseCatalog catalog)
    {
        const string Class = "sql_mode";
        catalog
            .Add(new AdversarialCase(Class, "NO_BACKSLASH_ESCAPES ends the string at the backslash", ["SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')", "DELETE FROM items WHERE title = 'x\\' OR true -- '"], [], UnknownCost) { MaxRows = TrapRows })
            .Add(new AdversarialCase(Class, "NO_BACKSLASH_ESCAPES hides a second statement from the default reading", ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", "SELECT 'x\\' ; DELETE FROM items; -- '"], [], UnknownCost))
            .Add(Class, "NO_BACKSLASH_ESCAPES, a plain statement", ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", "DELETE FROM items WHERE id = 2"], Admitted)
            .Add(Class, "ANSI_QUOTES makes a name of a string", ["SET SESSION sql_mode = 'ANSI_QUOTES'", "DELETE FROM items WHERE \"owner_id\" = 1"], UnknownCost)
            .Add(new AdversarialCase(Class, "ANSI_QUOTES ends a name at the backslashed quote", ["SET SESSION sql_mode = 'ANSI_QUOTES'", "DELETE FROM items WHERE title = \"x\\\" OR true -- \""], [], UnknownCost) { MaxRows = TrapRows })
            .Add(Class, "ANSI mode", ["SET SESSION sql_mode = 'ANSI'", "DELETE FROM items WHERE id = 3"], Admitted)
            .Add(Class, "ORACLE mode", ["SET SESSION sql_mode = 'ORACLE'", "DELETE FROM items WHERE id = 1"], UnknownCost)
            .Add(Class, "MSSQL mode and brackets", ["SET SESSION sql_mode = 'MSSQL'", "DELETE FROM [items] WHERE id = 1"], UnknownCost)
            .Add(Class, "PIPES_AS_CONCAT", ["SET SESSION sql_mode = 'PIPES_AS_CONCAT'", "DELETE FROM items WHERE title = 'item ' || '1'"], Admitted)
            .Add(Class, "|| is OR by default", "DELETE FROM items WHERE title = 'item 1' || owner_id = 3", Admitted)
            .Add(Class, "IGNORE_SPACE and a space before a call", ["SET SESSION sql_mode = 'IGNORE_SPACE'", "DELETE FROM items WHERE LENGTH (title) > 6"], UnknownCost)
            .Add(Class, "empty sql_mode", ["SET SESSION sql_mode = ''", "DELETE FROM items WHERE id = 4"], Admitted);
    }

    private static void MultiStatements(CaseCatalog catalog)
    {
        const string Class = "multi-statements";
        catalog
            .Add(Class, "two deletes", "DELETE FROM items WHERE id = 1; DELETE FROM items", UnknownCost)
            .Add(Class, "a select, then a delete", "SELECT 1; DELETE FROM items", UnknownCost)
            .Add(Class, "a delete, then a select", "DELETE FROM items WHERE id = 1; SELECT 1", UnknownCost)
            .Add(Class, "an update, then a delete", "UPDATE items SET views = 1 WHERE id = 1; DELETE FROM tags", UnknownCost)
            .Add(Class, "a delete, then DDL", "DELETE FROM items WHERE id = 1; CREATE TABLE adv_x (id INT)", UnknownCost)
            .Add(Class, "a delete, then COMMIT", "DELETE FROM items WHERE id = 1; COMMIT", UnknownCost)
            .Add(Class, "statements glued without spaces", "DELETE FROM items WHERE id=1;DELETE FROM tags", UnknownCost)
            .Add(Class, "trailing semicolon", "DELETE FROM items WHERE id = 2;", Admitted)
            .Add(Class, "semicolon, then a comment", "DELETE FROM items WHERE id = 3; # done")
            .Add(Class, "second statement inside a backslash-escaped string", "DELETE FROM items WHERE title = 'a\\'; DELETE FROM tags; -- '", Admitted)
            .Add(Class, "second statement with a parameter", "DELETE FROM items WHERE id = @id; DELETE FROM items", UnknownCost, Named("@id", 1L))
            .Add(Class, "second statement in a subquery's parentheses", "DELETE FROM items WHERE id IN (SELECT 1; DELETE FROM tags)", UnknownCost);
    }

    private static void Unicode(CaseCatalog catalog)
    {
        const string Class = "unicode";
        catalog
            .Add(Class, "WHERE glued to a no-break space", "DELETE FROM items WHERE\u00A0owner_id = 1")
            .Add(Class, "OR glued to a line separator", "DELETE FROM items WHERE owner_id = 1 OR\u2028true")
            .Add(Class, "OR glued to an ideographic space", "DELETE FROM items WHERE owner_id = 1 OR\u3000id = 2")
            .Add(Class, "fullwidth OR", "DELETE FROM items WHERE owner_id = 1 \uFF2F\uFF32 id = 2")
            .Add(Class, "fullwidth DELETE", "\uFF24\uFF25\uFF2C\uFF25\uFF34\uFF25 FROM items")
            .Add(Class, "fullwidth letters in a string", "DELETE FROM items WHERE title = '\uFF49\uFF54\uFF45\uFF4D 1' OR id = 1", Admitted)
            .Add(Class, "non-ASCII string assigned", "UPDATE items SET title = '\u00DF\u2028\u00A0' WHERE title = 'item 2'", Admitted)
            .Add(Class, "zero width joiner inside DELETE", "DEL\u200DETE FROM items")
            .Add(Class, "byte order mark before DELETE", "\uFEFFDELETE FROM items")
            .Add(Class, "next line as the separator", "DELETE\u0085FROM items")
            .Add(Trap("vertical tab is whitespace", "DELETE FROM items WHERE owner_id = 1 OR\vtrue", OverRowBudget));
    }

    private static void Parameters(CaseCatalog catalog)
    {
        const string Class = "parameters";
        catalog
            .Add(Class, "@name", "DELETE FROM items WHERE id = @id", Admitted, Named("@id", 1L))
            .Add(Class, "EF formatted {0}", "DELETE FROM items WHERE owner_id = {0}", Admitted, Formatted(2L))
            .Add(Class, "parameter in SET", "UPDATE items SET title = @t WHERE id = @id", Admitted, Named("@t", "new"), Named("@id", 1L))
            .Add(Class, "value that reads like SQL", "DELETE FROM items WHERE title = @t", Admitted, Named("@t", "' OR 1=1 -- "))
            .Add(Class, "value with a backslash and a quote", "DELETE FROM items WHERE title = @t", Admitted, Named("@t", "x\\' OR 1=1 -- "))
            .Add(Class, "placeholder inside a string", "DELETE FROM items WHERE title = '@id' OR id = @id", Admitted, Named("@id", 5L))
            .Add(Class, "placeholder inside a # comment", "DELETE FROM items WHERE id = 1 # OR id = @id", Any, Named("@id", 6L))
            .Add(Class, "placeholder inside backticks", "DELETE FROM items WHERE `@id` = 1", Any, Named("@id", 6L))
            .Add(Class, "unbound name (a user variable)", "DELETE FROM items WHERE id = @unbound")
            .Add(Class, "user variable set before", ["SET @v = 4", "DELETE FROM items WHERE id = @v"], Admitted);
    }

    // Everything a probe could run by evaluating the predicate; the probe-sensitive ones again in the caller's transaction.
    private static void SideEffects(CaseCatalog catalog)
    {
        const string Class = "side effects";
        var probeSensitive = new CaseCatalog()
            .Add(Class, "stored function writing InnoDB", "DELETE FROM items WHERE audit(id)", UnknownCost)
            .Add(Class, "stored function writing MyISAM", "DELETE FROM items WHERE audit_m(id)", UnknownCost)
            .Add(Class, "MyISAM function in a derived table", "DELETE FROM items WHERE id IN (SELECT id FROM (SELECT id FROM items WHERE audit_m(id)) AS x)", UnknownCost)
            .Add(Class, "MyISAM function in ORDER BY of a subquery", "DELETE FROM items WHERE id IN (SELECT id FROM (SELECT item_id AS id FROM tags ORDER BY audit_m(id)) AS t)", UnknownCost)
            .Add(Class, "view calling a MyISAM function", "DELETE FROM items WHERE id IN (SELECT id FROM audited_items)", UnknownCost)
            .Add(Class, "view in EXISTS", "DELETE FROM items WHERE EXISTS (SELECT 1 FROM audited_items AS a WHERE a.id = items.id)", UnknownCost)
            .Add(Class, "quoted name of a stored function shadowing NOW", "DELETE FROM items WHERE `now`()", UnknownCost)
            .Add(Class, "stored function shadowing CONCAT, called with a space", "DELETE FROM items WHERE concat (id)", UnknownCost)
            .Add(Class, "qualified stored function", "DELETE FROM items WHERE bulksafety_adversarial.audit_m(id)", UnknownCost)
            .Add(Class, "SLEEP", "DELETE FROM items WHERE id = 1 AND SLEEP(0) = 0", UnknownCost)
            .Add(Class, "BENCHMARK", "DELETE FROM items WHERE id = 1 AND BENCHMARK(10, MD5('x')) = 0", UnknownCost)
            .Add(Class, "GET_LOCK", "DELETE FROM items WHERE id = 1 AND GET_LOCK('adv', 0) = 1", UnknownCost)
            .Add(Class, "GET_LOCK in a subquery", "DELETE FROM items WHERE id = (SELECT GET_LOCK('adv', 0))", UnknownCost)
            .Add(Class, "LOAD_FILE", "DELETE FROM items WHERE LOAD_FILE('/etc/hostname') IS NOT NULL", UnknownCost)
            .Add(Class, "NEXTVAL", "DELETE FROM items WHERE id = NEXTVAL(adv_seq)", UnknownCost)
            .Add(Class, "NEXT VALUE FOR", "DELETE FROM items WHERE id = NEXT VALUE FOR adv_seq", UnknownCost)
            .Add(Class, "LAST_INSERT_ID with an argument", "DELETE FROM items WHERE id = LAST_INSERT_ID(1)", UnknownCost)
            .Add(Class, "RAND", "DELETE FROM items WHERE RAND() < 2", UnknownCost)
            .Add(Class, "UUID", "DELETE FROM items WHERE UUID() <> '' AND id = 1", UnknownCost)
            .Add(Class, "user variable assignment", "DELETE FROM items WHERE (@n := id) = 1", UnknownCost)
            .Add(Class, "user variable assignment in a subquery", "DELETE FROM items WHERE id IN (SELECT @m := item_id FROM tags)", UnknownCost)
            .Add(Class, "SELECT INTO a variable in a subquery", "DELETE FROM items WHERE id = (SELECT 1 INTO @v)", UnknownCost)
            .Add(Class, "FOR UPDATE in a subquery", "DELETE FROM items WHERE id IN (SELECT item_id FROM tags FOR UPDATE)", UnknownCost)
            .Add(Class, "LOCK IN SHARE MODE in a subquery", "DELETE FROM items WHERE id IN (SELECT item_id FROM tags LOCK IN SHARE MODE)", UnknownCost)
            .Add(Class, "DELETE in a subquery", "DELETE FROM items WHERE id IN (SELECT id FROM (DELETE FROM tags RETURNING item_id) AS d)", UnknownCost)
            .Add(Class, "writing function in the WHERE of an UPDATE", "UPDATE items SET views = 1 WHERE audit_m(id)", UnknownCost)
            .Add(Class, "writing function in the WHERE of Pomelo's DELETE shape", "DELETE `i` FROM `items` AS `i` WHERE audit_m(`i`.`id`)", UnknownCost);
        foreach (var statement in probeSensitive.All)
        {
            catalog.Add(statement);
            catalog.Add(statement with { Title = statement.Title + InTransaction, InTransaction = true });
        }

        catalog
            .Add(Class, "writing function in SET only", "UPDATE items SET views = audit_m(id) WHERE id = 1", Admitted)
            .Add(Class, "NEXTVAL in SET only", "UPDATE items SET views = NEXTVAL(adv_seq) WHERE id = 2", Admitted)
            .Add(Class, "SELECT of a writing function (a query, not judged)", "SELECT audit_m(1)")
            .Add(Class, "SET from a writing function (not judged)", "SET @x = audit_m(1)");
    }

    private static void WriteForms(CaseCatalog catalog)
    {
        const string Class = "write forms";
        catalog
            .Add(Class, "CALL a procedure that deletes", "CALL purge_owner(1)", UnknownCost)
            .Add(Class, "DO a writing function", "DO audit_m(1)", UnknownCost)
            .Add(Class, "PREPARE and EXECUTE a delete", ["PREPARE s FROM 'DELETE FROM items'", "EXECUTE s"], UnknownCost)
            .Add(Class, "PREPARE from a variable", ["SET @q = 'DELETE FROM items'", "PREPARE s FROM @q", "EXECUTE s"], UnknownCost)
            .Add(Class, "EXECUTE IMMEDIATE", "EXECUTE IMMEDIATE 'DELETE FROM items'", UnknownCost)
            .Add(Class, "HANDLER", ["HANDLER items OPEN", "HANDLER items READ FIRST", "HANDLER items CLOSE"], UnknownCost)
            .Add(Class, "LOAD DATA REPLACE", "LOAD DATA INFILE '/nonexistent' REPLACE INTO TABLE items", UnknownCost)
            .Add(Class, "LOAD XML", "LOAD XML INFILE '/nonexistent' INTO TABLE items", UnknownCost)
            .Add(Class, "multi-table DELETE", "DELETE i, t FROM items AS i JOIN tags AS t ON t.item_id = i.id WHERE i.owner_id = 1", UnknownCost)
            .Add(Class, "multi-table DELETE of the joined table only", "DELETE i FROM items AS i JOIN tags AS t ON t.item_id = i.id", UnknownCost)
            .Add(Class, "multi-table DELETE with USING", "DELETE FROM items USING items JOIN tags ON tags.item_id = items.id", UnknownCost)
            .Add(Class, "multi-table UPDATE with JOIN", "UPDATE items JOIN tags ON tags.item_id = items.id SET items.views = 1", UnknownCost)
            .Add(Class, "multi-table UPDATE with a comma", "UPDATE items, tags SET items.views = 1 WHERE tags.item_id = items.id", UnknownCost)
            .Add(Class, "DELETE with ORDER BY and LIMIT", "DELETE FROM items ORDER BY id LIMIT 2", UnknownCost)
            .Add(Class, "UPDATE with LIMIT", "UPDATE items SET views = 2 LIMIT 3", UnknownCost)
            .Add(Class, "DELETE IGNORE", "DELETE IGNORE FROM items WHERE id = 1", UnknownCost)
            .Add(Class, "DELETE LOW_PRIORITY QUICK", "DELETE LOW_PRIORITY QUICK FROM items WHERE id = 1", UnknownCost)
            .Add(Class, "UPDATE IGNORE", "UPDATE IGNORE items SET code = 'C-1'", UnknownCost)
            .Add(Class, "DELETE from a partition", "DELETE FROM items PARTITION (p0) WHERE id = 1", UnknownCost)
            .Add(Class, "WITH, then DELETE", "WITH d AS (SELECT 1) DELETE FROM items", UnknownCost)
            .Add(Class, "ANALYZE runs the DELETE", "ANALYZE DELETE FROM items WHERE owner_id = 1", UnknownCost)
            .Add(Class, "ANALYZE FORMAT=JSON runs the UPDATE", "ANALYZE FORMAT=JSON UPDATE items SET views = 7", UnknownCost)
            .Add(Class, "EXPLAIN does not run it", "EXPLAIN DELETE FROM items")
            .Add(Class, "upsert ON DUPLICATE KEY UPDATE", "INSERT INTO slots (id, name) VALUES (1, 'z') ON DUPLICATE KEY UPDATE name = VALUES(name)", UnknownCost)
            .Add(Class, "upsert in lower case", "insert into slots (id, name) values (2, 'y') on duplicate key update name = 'y'", UnknownCost)
            .Add(Class, "upsert of a SELECT", "INSERT INTO slots (id, name) SELECT id, title FROM items WHERE id < 3 ON DUPLICATE KEY UPDATE name = 'w'", UnknownCost)
            .Add(Class, "REPLACE", "REPLACE INTO slots (id, name) VALUES (1, 'z')", UnknownCost)
            .Add(Class, "REPLACE of a SELECT", "REPLACE INTO slots (id, name) SELECT id, code FROM items WHERE id < 3", UnknownCost)
            .Add(Class, "INSERT of a SELECT", "INSERT INTO audit_log (what) SELECT title FROM items", UnknownCost)
            .Add(Class, "INSERT IGNORE of a conflicting row", "INSERT IGNORE INTO slots (id, name) VALUES (1, 'z')")
            .Add(Class, "plain INSERT", "INSERT INTO slots (id, name) VALUES (9, 'q')");
    }

    private static void Definitions(CaseCatalog catalog)
    {
        const string Class = "DDL";
        catalog
            .Add(new AdversarialCase(Class, "CREATE TABLE", ["CREATE TABLE adv_scratch (id INT)"], [], Any) { CleanUp = ["DROP TABLE IF EXISTS adv_scratch"] })
            .Add(new AdversarialCase(Class, "ALTER TABLE adds a column", ["ALTER TABLE tags ADD COLUMN extra INT NULL"], [], Any)
            {
                CleanUp = ["ALTER TABLE tags DROP COLUMN IF EXISTS extra"],
                KnownDefect = "DDL is not priced (docs/guard.md): adding a column rewrites every row of the table",
            })
            .Add(new AdversarialCase(Class, "CREATE INDEX", ["CREATE INDEX adv_ix ON items (views)"], [], Any) { CleanUp = ["DROP INDEX IF EXISTS adv_ix ON items"] })
            .Add(new AdversarialCase(Class, "CREATE VIEW, then delete through a predicate reading it", ["CREATE VIEW adv_v AS SELECT id FROM items WHERE owner_id = 2", "DELETE FROM items WHERE id IN (SELECT id FROM adv_v)"], [], UnknownCost) { CleanUp = ["DROP VIEW IF EXISTS adv_v"] })
            .Add(new AdversarialCase(Class, "CREATE FUNCTION, then call it in a predicate", ["CREATE FUNCTION adv_f(x BIGINT) RETURNS BOOLEAN DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO audit_myisam (what) VALUES ('adv_f'); RETURN TRUE; END", "DELETE FROM items WHERE adv_f(id)"], [], UnknownCost) { CleanUp = ["DROP FUNCTION IF EXISTS adv_f"] })
            .Add(new AdversarialCase(Class, "CREATE TRIGGER, then an UPDATE it turns into deletes", ["CREATE TRIGGER adv_trg AFTER UPDATE ON items FOR EACH ROW DELETE FROM tags WHERE item_id = NEW.id", "UPDATE items SET views = 1 WHERE id = 1"], [], Admitted)
            {
                CleanUp = ["DROP TRIGGER IF EXISTS adv_trg"],
                KnownDefect = "triggers are outside what the guard reads (docs/guard.md, threat model): the UPDATE's trigger deletes tags the estimate does not count",
            })
            .Add(new AdversarialCase(Class, "temporary table shadowing items", ["CREATE TEMPORARY TABLE items (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, code VARCHAR(50) NOT NULL, title VARCHAR(200) NOT NULL, body TEXT NULL, views INT NOT NULL)", "DELETE FROM items"], [], Admitted))
            .Add(Class, "ANALYZE TABLE", "ANALYZE TABLE items")
            .Add(Class, "OPTIMIZE TABLE", "OPTIMIZE TABLE tags")
            .Add(Class, "DROP TABLE IF EXISTS of a missing table", "DROP TABLE IF EXISTS adv_missing");
    }

    private static void TransactionControl(CaseCatalog catalog)
    {
        const string Class = "transaction control";
        catalog
            .Add(Class, "START TRANSACTION by raw SQL, then an update and a delete, rolled back", ["START TRANSACTION", "UPDATE slots SET name = 'q' WHERE id = 3", "DELETE FROM items WHERE owner_id = 1", "ROLLBACK"], Admitted)
            .Add(Class, "BEGIN, an update, ROLLBACK", ["BEGIN", "UPDATE items SET views = 5 WHERE id = 1", "ROLLBACK"], Admitted)
            .Add(Class, "a savepoint named like the probe's", ["START TRANSACTION", "SAVEPOINT bulksafety_probe", "DELETE FROM items WHERE id = 1", "ROLLBACK TO SAVEPOINT bulksafety_probe", "COMMIT"], Admitted)
            .Add(Class, "autocommit off", ["SET autocommit = 0", "DELETE FROM items WHERE id = 1", "ROLLBACK"], Admitted)
            .Add(Class, "XA transaction", ["XA START 'adv'", "DELETE FROM items WHERE id = 1", "XA END 'adv'", "XA ROLLBACK 'adv'"])
            .Add(Class, "LOCK TABLES", ["LOCK TABLES items READ, tags READ", "DELETE FROM items WHERE id = 1", "UNLOCK TABLES"])
            .Add(Class, "read-only transaction of the caller's", ["START TRANSACTION READ ONLY", "DELETE FROM items WHERE id = 1", "ROLLBACK"])
            .Add(Class, "COMMIT alone", "COMMIT")
            .Add(new AdversarialCase(Class, "ROLLBACK inside the caller's EF transaction", ["ROLLBACK"], [], Any) { InTransaction = true })
            .Add(new AdversarialCase(Class, "raw COMMIT, then a delete, in the caller's EF transaction", ["COMMIT", "DELETE FROM items WHERE id = 3"], [], Any) { InTransaction = true });
    }
}
