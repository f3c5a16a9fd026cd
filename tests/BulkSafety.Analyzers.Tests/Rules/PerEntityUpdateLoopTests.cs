using BulkSafety.Analyzers.Tests.Verification;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.PerEntityUpdateLoopAnalyzer>;
using VerifyFix = BulkSafety.Analyzers.Tests.Verification.CodeFixVerifier<BulkSafety.Analyzers.Rules.PerEntityUpdateLoopAnalyzer, BulkSafety.CodeFixes.Rules.PerEntityUpdateLoopCodeFix>;

namespace BulkSafety.Analyzers.Tests.Rules;

public sealed class PerEntityUpdateLoopTests
{
    private static string InMethod(string statements) => $$"""
        class Moderation
        {
            async Task Run(AppDbContext db, Group group, long id, DateTime now, CancellationToken ct)
            {
                {{statements}}
            }
        }
        """;

    // ---- Violations -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("[|foreach|] (var p in db.Posts.Where(p => p.Score < 0).ToList()) p.IsSpam = true;")]
    [InlineData("[|foreach|] (var p in db.Posts) { p.IsSpam = false; p.Score += 10; }")]
    [InlineData("await [|foreach|] (var p in db.Posts.Where(p => p.IsSpam).AsAsyncEnumerable()) { p.Score = 0; }")]
    [InlineData("[|foreach|] (var p in await db.Posts.Where(p => p.IsSpam).ToListAsync(ct)) p.Score--;")]
    [InlineData("db.Posts.Where(p => p.IsSpam).ToList().[|ForEach|](p => p.Score = 0);")]
    [InlineData("await db.Posts.Where(p => p.IsSpam).[|ForEachAsync|](p => p.Score = 0, ct);")]
    [InlineData("_ = db.Posts.AsEnumerable().[|Select|](p => { p.IsSpam = true; return p; }).ToList();")]
    [InlineData("[|foreach|] (var p in group.Posts) p.IsSpam = true;")]
    [InlineData("[|foreach|] (var g in db.Set<Group>().Where(g => g.IsSpam)) { g.PostsCount = 0; g.UpdatedAt = now; }")]
    [InlineData("[|foreach|] (var p in db.Posts.Where(p => p.GroupId == id)) p.Score = p.Score > 100 ? 100 : p.Score * 2;")]
    [InlineData("var old = db.Posts.Where(p => p.CreatedAt < now); [|foreach|] (var p in old) p.IsSpam = true;")]
    [InlineData("[|foreach|] (var p in db.Posts.Take(5000).ToList()) p.Score = default;")]
    [InlineData("const int Penalty = 5; [|foreach|] (var p in db.Posts.Where(p => p.IsSpam)) p.Score -= Penalty;")]
    public Task ColumnOnlyLoopOverLargeSet_Reports(string statements)
        => Verify.VerifyAsync(InMethod(statements));

    [Fact]
    public async Task Message_NamesEntityAndSet()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(InMethod("[|foreach|] (var p in db.Posts.Where(p => p.Score < 0)) p.IsSpam = true;")));

        Assert.Equal(
            "This loop loads every Post of an EF Core query of Post without a small bound only to assign columns. Update them with one set-based ExecuteUpdate.",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- Quiet ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("foreach (var p in db.Posts.AsNoTracking()) p.IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts.Take(100).ToList()) p.IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts.Where(p => p.Id == id)) p.IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts.FirstOrDefault(p => p.Id == id)?.Group.Posts ?? []) p.IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts) p.Title = p.Title.ToUpperInvariant();")]
    [InlineData("foreach (var p in db.Posts) { p.IsSpam = true; db.SaveChanges(); }")]
    [InlineData("foreach (var p in db.Posts) { if (p.Score < 0) p.IsSpam = true; }")]
    [InlineData("foreach (var p in db.Posts) p.Group = group;")]
    [InlineData("foreach (var p in db.Posts) group.PostsCount = p.Score;")]
    [InlineData("foreach (var p in db.Posts) p.Group.UpdatedAt = now;")]
    [InlineData("foreach (var title in db.Posts.Select(p => p.Title)) Console.WriteLine(title);")]
    [InlineData("var rank = 0; foreach (var p in db.Posts.OrderBy(p => p.Score)) p.Score = rank++;")]
    [InlineData("foreach (var p in db.Posts) { var bonus = p.Score / 2; p.Score = bonus; }")]
    [InlineData("var all = db.Posts.ToList(); for (var i = 0; i < all.Count; i++) all[i].IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts) db.Posts.Add(new Post { Title = p.Title });")]
    [InlineData("foreach (var p in Load()) p.IsSpam = true;")]
    [InlineData("foreach (var p in db.Posts) p.CreatedAt = DateTime.UtcNow;")]
    public Task NotAColumnOnlyLoopOverALargeTrackedSet_IsQuiet(string statements)
        => Verify.VerifyAsync(InMethod(statements).Replace("class Moderation\n{", "class Moderation\n{\n    static IEnumerable<Post> Load() => [];", StringComparison.Ordinal));

    [Fact]
    public Task CallerSuppliedEntities_AreQuiet()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(List<Post> posts)
                {
                    foreach (var p in posts) p.IsSpam = true;
                }
            }
            """);

    [Fact]
    public Task CollectionsThatAreNotNavigations_AreQuiet()
        => Verify.VerifyAsync("""
            class PermissionItem { public string Name { get; set; } = ""; public bool Granted { get; set; } }
            class EditViewModel { public List<PermissionItem> Permissions { get; set; } = new(); }
            class ImportContext { public List<Post> Posts { get; } = new(); }

            class Controller
            {
                void Run(EditViewModel model, Dictionary<long, Post> cache, ImportContext import)
                {
                    foreach (var item in model.Permissions) item.Granted = false;
                    foreach (var post in cache.Values) post.Score = 0;
                    foreach (var post in import.Posts) post.Score = 0;
                }
            }
            """);

    [Fact]
    public Task TouchLoopOverChangeTrackerInSaveChangesOverride_IsQuiet()
        => Verify.VerifyAsync("""
            class TouchingContext : AppDbContext
            {
                public override int SaveChanges(bool acceptAllChangesOnSuccess)
                {
                    var now = DateTime.UtcNow;
                    foreach (var entry in ChangeTracker.Entries<Group>())
                        entry.Entity.UpdatedAt = now;
                    foreach (var entry in ChangeTracker.Entries<Group>().ToList())
                        foreach (var post in entry.Entity.Posts)
                            post.CreatedAt = now;
                    return base.SaveChanges(acceptAllChangesOnSuccess);
                }
            }
            """);

    // ---- Code fix: ExecuteUpdate ------------------------------------------------------------------------------

    [Theory]
    [InlineData(
        "[|foreach|] (var p in db.Posts.Where(p => p.Score < 0).ToList()) p.IsSpam = true;",
        "db.Posts.Where(p => p.Score < 0).ExecuteUpdate(s => s.SetProperty(p => p.IsSpam, true));")]
    [InlineData(
        "[|foreach|] (var p in db.Posts) { p.IsSpam = false; p.Score += 10; p.CreatedAt = now; }",
        "db.Posts.ExecuteUpdate(s => s.SetProperty(p => p.IsSpam, false).SetProperty(p => p.Score, p => p.Score + 10).SetProperty(p => p.CreatedAt, now));")]
    [InlineData(
        "[|foreach|] (var post in db.Posts.Where(p => p.IsSpam)) { post.Score++; post.Title = post.Title + \" (spam)\"; }",
        "db.Posts.Where(p => p.IsSpam).ExecuteUpdate(s => s.SetProperty(post => post.Score, post => post.Score + 1).SetProperty(post => post.Title, post => post.Title + \" (spam)\"));")]
    [InlineData(
        "[|foreach|] (var p in db.Posts) p.Score *= 2 + 1;",
        "db.Posts.ExecuteUpdate(s => s.SetProperty(p => p.Score, p => p.Score * (2 + 1)));")]
    [InlineData(
        "await [|foreach|] (var p in db.Posts.Where(p => p.IsSpam).AsAsyncEnumerable().WithCancellation(ct)) p.Score = 0;",
        "await db.Posts.Where(p => p.IsSpam).ExecuteUpdateAsync(s => s.SetProperty(p => p.Score, 0), ct);")]
    [InlineData(
        "[|foreach|] (var g in await db.Groups.Where(g => g.IsSpam).ToListAsync()) g.UpdatedAt = now;",
        "await db.Groups.Where(g => g.IsSpam).ExecuteUpdateAsync(s => s.SetProperty(g => g.UpdatedAt, now));")]
    [InlineData(
        "db.Posts.Where(p => p.IsSpam).ToList().[|ForEach|](p => p.Score = 0);",
        "db.Posts.Where(p => p.IsSpam).ExecuteUpdate(s => s.SetProperty(p => p.Score, 0));")]
    [InlineData(
        "await db.Posts.[|ForEachAsync|](p => p.IsSpam = p.Score < 0, ct);",
        "await db.Posts.ExecuteUpdateAsync(s => s.SetProperty(p => p.IsSpam, p => p.Score < 0), ct);")]
    [InlineData(
        "[|foreach|] (var s in db.Posts) s.Score = 0;",
        "db.Posts.ExecuteUpdate(setters => setters.SetProperty(s => s.Score, 0));")]
    public Task Fix_BecomesExecuteUpdate(string loop, string expected)
        => VerifyFix.VerifyFixAsync(InMethod(loop), InMethod(expected), PerEntityUpdateLoopCodeFix.ExecuteUpdateEquivalenceKey);

    [Fact]
    public async Task Fixes_InAnAsyncMethod_OfferTheBatchedUpdateFirst_WithTheirPublicKeys()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync(InMethod("[|foreach|] (var p in db.Posts) p.Score = 0;"));

        Assert.Equal(
            [(Batched, PerEntityUpdateLoopCodeFix.UpdateInBatchesEquivalenceKey), ("Update with one ExecuteUpdate on the query", PerEntityUpdateLoopCodeFix.ExecuteUpdateEquivalenceKey)],
            fixes);
    }

    [Fact]
    public async Task Fixes_WithoutTheBulkSafetyRuntime_OfferOnlyExecuteUpdate()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync(new AnalyzerTestCase(InMethod("[|foreach|] (var p in db.Posts) p.Score = 0;")) { ReferenceBulkSafety = false });

        Assert.Equal([("Update with one ExecuteUpdate on the query", PerEntityUpdateLoopCodeFix.ExecuteUpdateEquivalenceKey)], fixes);
    }

    [Theory]
    [InlineData("void Run(AppDbContext db) { [|foreach|] (var p in db.Posts) p.Score = 0; }")]
    [InlineData("async Task Run(AppDbContext db, object gate) { await Task.Yield(); lock (gate) { [|foreach|] (var p in db.Posts) p.Score = 0; } }")]
    [InlineData("int Count { get { foreach (var p in new AppDbContext().Posts) p.Score = 0; return 0; } }")]
    public async Task Fixes_WhereTheStatementCannotAwait_OfferOnlyExecuteUpdate(string member)
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync($$"""
            class Moderation
            {
                {{member.Replace("foreach (var p in new", "[|foreach|] (var p in new", StringComparison.Ordinal)}}
            }
            """);

        Assert.Equal([("Update with one ExecuteUpdate on the query", PerEntityUpdateLoopCodeFix.ExecuteUpdateEquivalenceKey)], fixes);
    }

    [Theory]
    [InlineData("[|foreach|] (var p in group.Posts) p.IsSpam = true;")]
    [InlineData("[|foreach|] (var p in db.Posts) { p.Score = 0; p.IsSpam = p.Score > 0; }")]
    [InlineData("[|foreach|] (var p in db.Posts) { p.Score = 1; p.Score += 1; }")]
    [InlineData("[|foreach|] (var p in db.Posts.Include(p => p.Group)) p.Score = 0;")]
    [InlineData("var list = db.Posts.ToList(); [|foreach|] (var p in list) p.Score = 0;")]
    [InlineData("_ = db.Posts.AsEnumerable().[|Select|](p => { p.IsSpam = true; return p; }).ToList();")]
    [InlineData("var pending = db.Posts.[|ForEachAsync|](p => p.Score = 0);")]
    [InlineData("[|foreach|] (var p in db.Posts.ToList().Where(p => p.IsSpam)) p.Score = 0;")]
    public Task Fix_NotOffered_WhenTheRewriteWouldChangeMeaning(string statements)
        => VerifyFix.VerifyNoFixAsync(InMethod(statements));

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task Fix_FixAll_RewritesEveryLoopInScope(FixAllScope scope)
    {
        var second = InMethod("[|foreach|] (var g in db.Groups) g.PostsCount = 0;").Replace("Moderation", "Second", StringComparison.Ordinal);
        var before = new AnalyzerTestCase(
            InMethod("[|foreach|] (var p in db.Posts.Where(p => p.IsSpam)) p.Score = 0;\n        db.Memberships.ToList().[|ForEach|](m => m.UserId = 0);"),
            second);
        var after = new AnalyzerTestCase(
            InMethod("db.Posts.Where(p => p.IsSpam).ExecuteUpdate(s => s.SetProperty(p => p.Score, 0));\n        db.Memberships.ExecuteUpdate(s => s.SetProperty(m => m.UserId, 0));"),
            scope == FixAllScope.Project
                ? InMethod("db.Groups.ExecuteUpdate(s => s.SetProperty(g => g.PostsCount, 0));").Replace("Moderation", "Second", StringComparison.Ordinal)
                : second);
        return VerifyFix.VerifyFixAllAsync(before, after, scope, PerEntityUpdateLoopCodeFix.ExecuteUpdateEquivalenceKey);
    }

    // ---- Code fix: UpdateInBatchesAsync, first where BulkSafety's runtime is referenced ------------------------

    private const string Batched = "Update in paced batches with UpdateInBatchesAsync";

    [Theory]
    [InlineData(
        "[|foreach|] (var p in db.Posts.Where(p => p.Score < 0).ToList()) p.IsSpam = true;",
        "await db.Posts.Where(p => p.Score < 0).UpdateInBatchesAsync(s => s.SetProperty(p => p.IsSpam, true));")]
    [InlineData(
        "[|foreach|] (var p in db.Posts) { p.IsSpam = false; p.Score += 10; p.CreatedAt = now; }",
        "await db.Posts.UpdateInBatchesAsync(s => s.SetProperty(p => p.IsSpam, false).SetProperty(p => p.Score, p => p.Score + 10).SetProperty(p => p.CreatedAt, now));")]
    [InlineData(
        "await [|foreach|] (var p in db.Posts.Where(p => p.IsSpam).AsAsyncEnumerable().WithCancellation(ct)) p.Score = 0;",
        "await db.Posts.Where(p => p.IsSpam).UpdateInBatchesAsync(s => s.SetProperty(p => p.Score, 0), cancellationToken: ct);")]
    [InlineData(
        "[|foreach|] (var g in await db.Groups.Where(g => g.IsSpam).ToListAsync(ct)) g.UpdatedAt = now;",
        "await db.Groups.Where(g => g.IsSpam).UpdateInBatchesAsync(s => s.SetProperty(g => g.UpdatedAt, now), cancellationToken: ct);")]
    [InlineData(
        "await db.Posts.[|ForEachAsync|](p => p.IsSpam = p.Score < 0, ct);",
        "await db.Posts.UpdateInBatchesAsync(s => s.SetProperty(p => p.IsSpam, p => p.Score < 0), cancellationToken: ct);")]
    [InlineData(
        "db.Posts.Where(p => p.IsSpam).ToList().[|ForEach|](p => p.Score = 0);",
        "await db.Posts.Where(p => p.IsSpam).UpdateInBatchesAsync(s => s.SetProperty(p => p.Score, 0));")]
    public Task BatchedFix_BecomesUpdateInBatchesAndImportsTheApi(string loop, string expected)
        => VerifyFix.VerifyFixAsync(InMethod(loop), "using BulkSafety.SafePaths;\n\n" + InMethod(expected), PerEntityUpdateLoopCodeFix.UpdateInBatchesEquivalenceKey);

    [Fact]
    public Task BatchedFix_FirstOfferedInAnAsyncLocalFunction()
        => VerifyFix.VerifyFixAsync(
            """
            using BulkSafety.SafePaths;

            class Moderation
            {
                Task Run(AppDbContext db)
                {
                    return HideAll();

                    async Task HideAll()
                    {
                        [|foreach|] (var p in db.Posts.Where(p => p.Score < 0)) p.IsSpam = true;
                    }
                }
            }
            """,
            """
            using BulkSafety.SafePaths;

            class Moderation
            {
                Task Run(AppDbContext db)
                {
                    return HideAll();

                    async Task HideAll()
                    {
                        await db.Posts.Where(p => p.Score < 0).UpdateInBatchesAsync(s => s.SetProperty(p => p.IsSpam, true));
                    }
                }
            }
            """);

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task BatchedFix_FixAll_RewritesEveryLoopThatCanAwait(FixAllScope scope)
    {
        const string notAsync = "\n    void Reset(AppDbContext db) { [|foreach|] (var g in db.Groups) g.PostsCount = 0; }\n}";
        var second = InMethod("[|foreach|] (var g in db.Groups) g.PostsCount = 0;").Replace("Moderation", "Second", StringComparison.Ordinal);
        var before = new AnalyzerTestCase(
            InMethod("[|foreach|] (var p in db.Posts.Where(p => p.IsSpam)) p.Score = 0;\n        db.Memberships.ToList().[|ForEach|](m => m.UserId = 0);").TrimEnd().TrimEnd('}') + notAsync,
            second);
        var after = new AnalyzerTestCase(
            "using BulkSafety.SafePaths;\n\n" + InMethod("await db.Posts.Where(p => p.IsSpam).UpdateInBatchesAsync(s => s.SetProperty(p => p.Score, 0));\n        await db.Memberships.UpdateInBatchesAsync(s => s.SetProperty(m => m.UserId, 0));").TrimEnd().TrimEnd('}') + notAsync,
            scope == FixAllScope.Project
                ? "using BulkSafety.SafePaths;\n\n" + InMethod("await db.Groups.UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, 0));").Replace("Moderation", "Second", StringComparison.Ordinal)
                : second);
        return VerifyFix.VerifyFixAllAsync(before, after, scope, PerEntityUpdateLoopCodeFix.UpdateInBatchesEquivalenceKey);
    }

    // ---- Options, severity, scope -----------------------------------------------------------------------------

    [Theory]
    [InlineData(null, false)]
    [InlineData("dotnet_code_quality.BS1003.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.BS1003.small_set_max = ", false)]
    [InlineData("dotnet_code_quality.BS1001.small_set_max = 100", false)]
    public Task SmallSetMax_EditorConfig_MovesTheBound(string? editorConfig, bool reported)
        => Verify.VerifyAsync(InMethod($"{(reported ? "[|foreach|]" : "foreach")} (var p in db.Posts.Take(200)) p.Score = 0;"), editorConfig);

    [Fact]
    public async Task Severity_DefaultIsInfo_AndEditorConfigOverrides()
    {
        var defaults = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(InMethod("[|foreach|] (var p in db.Posts) p.Score = 0;")));
        var escalated = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(InMethod("[|foreach|] (var p in db.Posts) p.Score = 0;"))
        {
            EditorConfig = "dotnet_diagnostic.BS1003.severity = warning",
        });

        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(defaults).Severity);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(escalated).Severity);
    }

    [Fact]
    public Task WithoutEfCore_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase("""
            using System.Collections.Generic;
            using System.Linq;
            class Row { public int Score { get; set; } }
            class Job
            {
                void Run(IQueryable<Row> rows)
                {
                    foreach (var r in rows.ToList()) r.Score = 0;
                }
            }
            """) { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task GeneratedCode_IsSkipped()
        => Verify.VerifyAsync(new AnalyzerTestCase(InMethod("foreach (var p in db.Posts) p.Score = 0;")) { DocumentName = _ => "Moderation.g.cs" });

    [Fact]
    public Task HalfTypedCode_DoesNotThrow()
        => Verify.VerifyAsync(InMethod("""
            foreach (var p in db.Posts) p.{|CS1061:Nope|} = 1;
                    foreach (var p in db.Posts) p.Score = {|CS0103:missing|};
                    foreach (var p in {|CS0103:posts|}) p.Score = 0;
                    [|foreach|] (var p in db.Posts) p.Score = {|CS0029:p.Score + "x"|};
                    foreach (var p in db.Posts) {|CS1656:p|} = null!;
                    db.Posts.ToList().ForEach(p => p.Score ={|CS1525:)|};
            """));
}
