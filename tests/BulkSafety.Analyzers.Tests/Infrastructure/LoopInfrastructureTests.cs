using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// The loop infrastructure the rules share (<see cref="Loop"/>, <see cref="LoopSource"/>): which loop surrounds a
/// call, what it iterates, and whether a value depends on the current element. Each snippet marks one call with
/// <c>Target(...)</c>; the test looks at the loops around it.
/// </summary>
public sealed class LoopInfrastructureTests
{
    private const string Helpers = """

        static class Probe { public static void Target(object? value) { } }
        """;

    [Theory]
    [InlineData("foreach (var g in db.Groups) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var g in db.Groups.Where(g => g.IsSpam).ToList()) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var g in await db.Set<Group>().Where(g => g.IsSpam).ToListAsync()) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("await foreach (var g in db.Groups.AsAsyncEnumerable()) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var g in db.Groups.Take(5000)) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var g in db.Groups.Take(500)) Probe.Target(g);", nameof(LoopSourceKind.Bounded))]
    [InlineData("foreach (var g in db.Groups.Where(g => g.Id == id)) Probe.Target(g);", nameof(LoopSourceKind.KeyFilteredQuery))]
    [InlineData("foreach (var g in db.Groups.Where(g => g.IsSpam && g.Id == id)) Probe.Target(g);", nameof(LoopSourceKind.KeyFilteredQuery))]
    [InlineData("foreach (var p in db.Posts.Where(p => p.GroupId == id)) Probe.Target(p);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var p in db.Groups.Where(g => g.Id == id).SelectMany(g => g.Posts)) Probe.Target(p);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("foreach (var p in db.Groups.Single(g => g.Id == id).Posts) Probe.Target(p);", nameof(LoopSourceKind.NavigationCollection))]
    [InlineData("foreach (var p in group.Posts.Where(p => p.IsSpam)) Probe.Target(p);", nameof(LoopSourceKind.NavigationCollection))]
    [InlineData("foreach (var i in ids) Probe.Target(i);", nameof(LoopSourceKind.Parameter))]
    [InlineData("foreach (var g in pending) Probe.Target(g);", nameof(LoopSourceKind.Field))]
    [InlineData("foreach (var i in Banned) Probe.Target(i);", nameof(LoopSourceKind.LiteralCollection))]
    [InlineData("foreach (var i in new[] { 1L, 2L }) Probe.Target(i);", nameof(LoopSourceKind.LiteralCollection))]
    [InlineData("foreach (var i in (long[])[1, 2, 3]) Probe.Target(i);", nameof(LoopSourceKind.LiteralCollection))]
    [InlineData("foreach (var chunk in ids.Chunk(500)) Probe.Target(chunk);", nameof(LoopSourceKind.Batches))]
    [InlineData("foreach (var chunk in ids.Chunk(500)) foreach (var i in chunk) Probe.Target(i);", nameof(LoopSourceKind.Bounded))]
    [InlineData("foreach (var e in db.ChangeTracker.Entries()) Probe.Target(e);", nameof(LoopSourceKind.ChangeTrackerEntries))]
    [InlineData("foreach (var g in Load()) Probe.Target(g);", nameof(LoopSourceKind.Unknown))]
    [InlineData("foreach (var g in db.Groups.Take(size)) Probe.Target(g);", nameof(LoopSourceKind.Unknown))]
    [InlineData("var spam = db.Groups.Where(g => g.IsSpam).ToList(); foreach (var g in spam) Probe.Target(g);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("var batch = db.Groups.Take(100).ToList(); foreach (var g in batch) Probe.Target(g);", nameof(LoopSourceKind.Bounded))]
    [InlineData("var built = new List<Group>(); built.Add(group); foreach (var g in built) Probe.Target(g);", nameof(LoopSourceKind.Unknown))]
    [InlineData("db.Groups.Where(g => g.IsSpam).ToList().ForEach(g => Probe.Target(g));", nameof(LoopSourceKind.EfQuery))]
    [InlineData("await db.Groups.ForEachAsync(g => Probe.Target(g));", nameof(LoopSourceKind.EfQuery))]
    [InlineData("_ = db.Groups.ToList().Select(g => { Probe.Target(g); return g; }).ToList();", nameof(LoopSourceKind.EfQuery))]
    [InlineData("var list = db.Groups.ToList(); for (var i = 0; i < list.Count; i++) Probe.Target(list[i]);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("var list = db.Groups.ToList(); for (var i = list.Count - 1; i >= 0; i--) Probe.Target(list[i]);", nameof(LoopSourceKind.EfQuery))]
    [InlineData("var list = db.Groups.ToList(); var i = 0; while (i < list.Count) { Probe.Target(list[i]); i++; }", nameof(LoopSourceKind.EfQuery))]
    [InlineData("using var e = db.Groups.ToList().GetEnumerator(); while (e.MoveNext()) Probe.Target(e.Current);", nameof(LoopSourceKind.EfQuery))]
    public async Task Classify_LoopAroundTarget_HasExpectedSource(string statements, string expected)
    {
        var (loop, symbols, target) = await FindLoopAsync(statements);

        Assert.NotNull(loop);
        Assert.True(loop.DependsOnElement(target), "The target's argument should depend on the loop's element.");
        Assert.Equal(expected, LoopSource.Classify(loop.Collection, symbols, LoopSource.DefaultSmallSetMax).Kind.ToString());
    }

    [Theory]
    [InlineData("foreach (var key in ids) { var g = db.Groups.Find(key); Probe.Target(g); }", true)]
    [InlineData("foreach (var key in ids) { db.Groups.TryFindGroup(key, out var g); Probe.Target(g); }", true)]
    [InlineData("foreach (var g in db.Groups) { foreach (var p in g.Posts) Probe.Target(p); }", true)]
    [InlineData("foreach (var key in ids) { Probe.Target(group); }", false)]
    [InlineData("foreach (var key in ids) { var other = group; Probe.Target(other); }", false)]
    public async Task DependsOnElement_FollowsLocalsOfTheBody(string statements, bool expected)
    {
        var (loops, _, target) = await FindLoopsAsync(statements);

        Assert.Equal(expected, loops.Exists(loop => loop.DependsOnElement(target)));
    }

    [Theory]
    [InlineData("for (var attempt = 0; attempt < 3; attempt++) { Probe.Target(group); }")]
    [InlineData("while (true) { var batch = db.Groups.Take(100).ToList(); if (batch.Count == 0) break; Probe.Target(batch); }")]
    [InlineData("do { Probe.Target(group); } while (group.PostsCount > 0);")]
    public async Task CounterlessLoops_ShowNoCollection(string statements)
    {
        var (loop, _, target) = await FindLoopAsync(statements);

        Assert.NotNull(loop);
        Assert.Null(loop.Collection);
        Assert.False(loop.DependsOnElement(target));
    }

    [Theory]
    [InlineData("var run = () => Probe.Target(group); foreach (var g in db.Groups) run();")]
    [InlineData("foreach (var g in db.Groups) { Task.Run(() => Probe.Target(g)); }")]
    [InlineData("foreach (var g in db.Groups) { void Local() => Probe.Target(g); Local(); }")]
    [InlineData("foreach (var g in db.Groups.AsEnumerable().Where(x => { Probe.Target(x); return true; })) { }")]
    public async Task CodeThatRunsElsewhere_HasNoEnclosingLoop(string statements)
    {
        var (loops, _, _) = await FindLoopsAsync(statements);

        Assert.Empty(loops);
    }

    [Fact]
    public async Task Classify_SmallSetMax_MovesTheBound()
    {
        var (loop, symbols, _) = await FindLoopAsync("foreach (var g in db.Groups.Take(500)) Probe.Target(g);");

        Assert.Equal(LoopSourceKind.Bounded, LoopSource.Classify(loop!.Collection, symbols, 500).Kind);
        Assert.Equal(LoopSourceKind.EfQuery, LoopSource.Classify(loop.Collection, symbols, 499).Kind);
    }

    [Fact]
    public async Task Classify_TracksIncludeTrackingAndProjection()
    {
        var (loop, symbols, _) = await FindLoopAsync("foreach (var g in db.Groups.Include(g => g.Posts).AsNoTracking().Select(g => g.Id)) Probe.Target(g);");
        var source = LoopSource.Classify(loop!.Collection, symbols, LoopSource.DefaultSmallSetMax);

        Assert.True(source.HasInclude);
        Assert.True(source.IsNoTracking);
        Assert.True(source.ProjectsElements);
        Assert.Equal("Group", source.EntityType?.Name);
    }

    [Theory]
    [InlineData("foreach (var g in db.Groups.Where(g => g.IsSpam).ToList()) Probe.Target(g);", "db.Groups.Where(g => g.IsSpam)", false, null)]
    [InlineData("foreach (var g in await db.Groups.ToListAsync(ct)) Probe.Target(g);", "db.Groups", true, "ct")]
    [InlineData("await foreach (var g in db.Groups.AsAsyncEnumerable().WithCancellation(ct)) Probe.Target(g);", "db.Groups", true, "ct")]
    [InlineData("foreach (var g in db.Groups.ToList().Where(g => g.IsSpam)) Probe.Target(g);", null, false, null)]
    public async Task MaterializedQuery_FindsTheQueryBehindTheCollection(string statements, string? query, bool isAsync, string? token)
    {
        var (loop, symbols, _) = await FindLoopAsync(statements);
        var materialized = MaterializedQuery.TryCreate(loop!.Collection!, symbols);

        Assert.Equal(query, materialized?.Query.Syntax.ToString());
        if (materialized is not null)
        {
            Assert.Equal(isAsync, materialized.IsAsync);
            Assert.Equal(token, materialized.CancellationToken?.Syntax.ToString());
        }
    }

    [Theory]
    [InlineData("class C : AppDbContext { public override int SaveChanges(bool accept) { Probe.Target(null); return base.SaveChanges(accept); } }", true)]
    [InlineData("class C : AppDbContext { public override Task<int> SaveChangesAsync(bool accept, CancellationToken ct = default) { Probe.Target(null); return base.SaveChangesAsync(accept, ct); } }", true)]
    [InlineData("class I : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor { public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> SavingChanges(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData e, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> r) { Probe.Target(null); return r; } }", true)]
    [InlineData("class C : AppDbContext { public int Save() { Probe.Target(null); return SaveChanges(); } }", false)]
    [InlineData("class S { void Run(Action a) { a = () => Probe.Target(null); } }", false)]
    public async Task IsInSaveChangesPipeline_RecognizesOverridesAndInterceptors(string source, bool expected)
    {
        var (compilation, target) = await CompileAsync(source + Helpers);
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));

        var member = compilation.GetSemanticModel(target.Syntax.SyntaxTree).GetEnclosingSymbol(target.Syntax.SpanStart);
        Assert.Equal(expected, EntityChanges.IsInSaveChangesPipeline(member, symbols));
    }

    [Theory]
    [InlineData("db.Posts.Where(p => p.IsSpam).ExecuteUpdate(s => s.SetProperty(p => p.Score, 0));", "ExecuteUpdate")]
    [InlineData("await db.Posts.ExecuteDeleteAsync();", "ExecuteDelete")]
    [InlineData("db.Posts.Add(new Post());", "Add")]
    [InlineData("db.UpdateRange(group);", "Update")]
    [InlineData("db.Groups.Remove(group);", "Remove")]
    [InlineData("db.SaveChanges();", "SaveChanges")]
    [InlineData("new List<Group>().Remove(group);", "none")]
    public async Task EntityChanges_ClassifiesEfCoreCalls(string statement, string expected)
    {
        var (compilation, _) = await CompileAsync($$"""
            static class Snippet { static async Task Run(AppDbContext db, Group group) { {{statement}} } }
            """);
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("Test0.cs", StringComparison.Ordinal));
        var model = compilation.GetSemanticModel(tree);
        var call = (await tree.GetRootAsync()).DescendantNodes().Select(n => model.GetOperation(n)).OfType<IInvocationOperation>()
            .First(i => i.TargetMethod.Name is not ("Where" or "SetProperty"));

        var actual = EntityChanges.IsExecuteUpdate(call, symbols) ? "ExecuteUpdate"
            : EntityChanges.IsExecuteDelete(call, symbols) ? "ExecuteDelete"
            : EntityChanges.IsSaveChanges(call, symbols) ? "SaveChanges"
            : EntityChanges.IsChangeCall(call, symbols, out var kind) ? kind.ToString()
            : "none";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task IsMappedBy_SeesDbSetPropertiesOfTheContextAndItsBases()
    {
        var (compilation, _) = await CompileAsync("class Other { } class Derived : AppDbContext { }");
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));

        Assert.True(EntityChanges.IsMappedBy(compilation.GetTypeByMetadataName("Derived"), compilation.GetTypeByMetadataName("App.Post")!, symbols));
        Assert.False(EntityChanges.IsMappedBy(compilation.GetTypeByMetadataName("Derived"), compilation.GetTypeByMetadataName("Other")!, symbols));
    }

    private static async Task<(Compilation Compilation, IInvocationOperation Target)> CompileAsync(string source)
    {
        var project = await new AnalyzerTestCase(source).CreateProjectAsync();
        var compilation = (await project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("Test0.cs", StringComparison.Ordinal));
        var model = compilation.GetSemanticModel(tree);
        var target = (await tree.GetRootAsync()).DescendantNodes().Select(n => model.GetOperation(n)).OfType<IInvocationOperation>()
            .FirstOrDefault(i => i.TargetMethod.Name == "Target");
        return (compilation, target!);
    }

    private static async Task<(Loop? Loop, EfCoreSymbols Symbols, IOperation Target)> FindLoopAsync(string statements)
    {
        var (loops, symbols, target) = await FindLoopsAsync(statements);
        return (loops.FirstOrDefault(), symbols, target);
    }

    private static async Task<(List<Loop> Loops, EfCoreSymbols Symbols, IOperation Target)> FindLoopsAsync(string statements)
    {
        var source = $$"""
            static class Snippet
            {
                static readonly long[] Banned = { 1, 2, 3 };
                static List<Group> pending = new();
                static IEnumerable<Group> Load() => [];
                static void TryFindGroup(this DbSet<Group> set, long id, out Group? group) => group = set.Find(id);
                static async Task Run(AppDbContext db, IReadOnlyList<long> ids, long id, Group group, int size, CancellationToken ct)
                {
                    {{statements}}
                }
            }
            """ + Helpers;
        var (compilation, target) = await CompileAsync(source);
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));
        var argument = target.Arguments[0].Value;
        return (Loop.EnumerateEnclosing(target, symbols).ToList(), symbols, argument);
    }
}
