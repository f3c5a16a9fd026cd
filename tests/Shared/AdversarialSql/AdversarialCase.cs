namespace BulkSafety.Testing.AdversarialSql;

/// <summary>What the suite expects of the guard for one statement, beyond the invariants every statement is held to.</summary>
public enum ExpectedVerdict
{
    /// <summary>Admitted or blocked: only the invariants are checked.</summary>
    Any,

    /// <summary>An ordinary statement the guard reads, probes and admits under the suite's generous budgets.</summary>
    Admitted,

    /// <summary>A statement the guard cannot count before it runs: BS9006, nothing run.</summary>
    UnknownCost,

    /// <summary>A statement over the case's own row budget: BS9002.</summary>
    OverRowBudget,
}

/// <summary>A value bound to a statement: by EF's <c>{0}</c> formatting (no name), by position (empty name) or by name.</summary>
public sealed record CaseParameter(string? Name, object? Value)
{
    public static CaseParameter Formatted(object? value) => new(null, value);

    public static CaseParameter Positional(object? value) => new("", value);

    public static CaseParameter Named(string name, object? value) => new(name, value);
}

/// <summary>
/// One adversarial statement (or a short sequence of commands on one connection), the attack it belongs to, and its
/// expectation. <see cref="Name"/> is the test case's name.
/// </summary>
public sealed record AdversarialCase(string AttackClass, string Title, IReadOnlyList<string> Commands, IReadOnlyList<CaseParameter> Parameters, ExpectedVerdict Expected)
{
    public string Name => $"{AttackClass}: {Title}";

    /// <summary>Each command in an explicit transaction of the caller's, so the probes take the savepoint path.</summary>
    public bool InTransaction { get; init; }

    /// <summary>
    /// Set-up the database needs for this statement only (a cast that would affect every other statement), run outside
    /// the guard before each run; <see cref="CleanUp"/> undoes it after the run, whatever happened.
    /// </summary>
    public IReadOnlyList<string> Arrange { get; init; } = [];

    /// <summary>What undoes <see cref="Arrange"/>.</summary>
    public IReadOnlyList<string> CleanUp { get; init; } = [];

    /// <summary>A row budget for this case only (BS9002); the suite's budgets are generous otherwise.</summary>
    public int? MaxRows { get; init; }

    /// <summary>
    /// A defect of the guard this statement shows and that is not fixed yet: the statement touches more rows than the
    /// guard estimated. The judge then requires exactly that failure (and no other), so that the statement stays in the
    /// suite, the defect stays visible, and its fix shows as this case failing until the marker is removed.
    /// </summary>
    public string? KnownDefect { get; init; }

    /// <summary>The commands as they read with every control and non-ASCII character escaped, for failure messages.</summary>
    public string Printable => string.Join(" ⏎⏎ ", Commands.Select(SqlText.Escape));

    public override string ToString() => Name;
}

/// <summary>
/// The statements of one dialect, each under a unique readable name: the test data of a theory (names serialize, so
/// every statement is its own test case), and the lookup from name back to statement.
/// </summary>
public sealed class CaseCatalog
{
    private readonly Dictionary<string, AdversarialCase> _cases = new(StringComparer.Ordinal);

    public IReadOnlyCollection<AdversarialCase> All => _cases.Values;

    public AdversarialCase this[string name] => _cases[name];

    public TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var name in _cases.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    public CaseCatalog Add(string attackClass, string title, string sql, ExpectedVerdict expected = ExpectedVerdict.Any, params CaseParameter[] parameters)
        => Add(new AdversarialCase(attackClass, title, [sql], parameters, expected));

    /// <summary>Several commands run one after the other on one connection.</summary>
    public CaseCatalog Add(string attackClass, string title, IReadOnlyList<string> commands, ExpectedVerdict expected = ExpectedVerdict.Any)
        => Add(new AdversarialCase(attackClass, title, commands, [], expected));

    public CaseCatalog Add(AdversarialCase statement)
    {
        if (!_cases.TryAdd(statement.Name, statement))
        {
            throw new InvalidOperationException($"two statements are named {statement.Name}");
        }

        return this;
    }

    /// <summary>Changes what one dialect expects of a statement the dialects share.</summary>
    public CaseCatalog Expect(string name, ExpectedVerdict expected)
    {
        _cases[name] = _cases[name] with { Expected = expected };
        return this;
    }

    /// <summary>Statements per attack class, for the suite's summary.</summary>
    public IEnumerable<(string AttackClass, int Statements)> PerClass()
        => _cases.Values.GroupBy(c => c.AttackClass).Select(g => (g.Key, g.Count()));
}
