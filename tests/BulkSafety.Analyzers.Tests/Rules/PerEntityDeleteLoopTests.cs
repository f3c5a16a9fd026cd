using BulkSafety.Analyzers.Rules;
using BulkSafety.Analyzers.Tests.Verification;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.PerEntityDeleteLoopAnalyzer>;
using VerifyFix = BulkSafety.Analyzers.Tests.Verification.CodeFixVerifier<BulkSafety.Analyzers.Rules.PerEntityDeleteLoopAnalyzer, BulkSafety.CodeFixes.Rules.PerEntityDeleteLoopCodeFix>;

namespace BulkSafety.Analyzers.Tests.Rules;

public sealed class PerEntityDeleteLoopTests
{
    // ---- Violations -------------------------------------------------------------------------------------------

    [Fact]
    public Task ForEachOverMaterializedQuery_RemoveOnDbSet_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var g in db.Groups.Where(g => g.IsSpam).ToList())
                    {
                        db.Groups.[|Remove|](g);
                    }

                    db.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task ForEachOverDbSet_RemoveOnContext_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var p in db.Posts)
                        db.[|Remove|](p);
                }
            }
            """);

    [Fact]
    public Task SetOfT_RemoveOnSet_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var m in db.Set<Membership>().Where(m => m.UserId == 7).ToArray())
                        db.Set<Membership>().[|Remove|](m);
                }
            }
            """);

    [Fact]
    public Task AwaitForEachOverAsyncEnumerable_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await foreach (var g in db.Groups.Where(g => g.IsSpam).AsAsyncEnumerable().WithCancellation(ct))
                        db.Groups.[|Remove|](g);
                    await db.SaveChangesAsync(ct);
                }
            }
            """);

    [Fact]
    public Task ForEachOverToListAsync_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db)
                {
                    foreach (var g in await db.Groups.Where(g => g.IsSpam).ToListAsync())
                        db.[|Remove|](g);
                    await db.SaveChangesAsync();
                }
            }
            """);

    [Fact]
    public Task IdsParameter_FindThenRemove_ReportsTheIncidentPattern()
        => Verify.VerifyAsync("""
            class SpamCleanup
            {
                void DestroyGroups(AppDbContext db, IEnumerable<long> spamGroupIds)
                {
                    foreach (var id in spamGroupIds)
                    {
                        var group = db.Groups.Find(id);
                        if (group is not null)
                        {
                            db.Groups.[|Remove|](group);
                        }
                    }

                    db.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task IdsParameter_FindAsyncThenRemove_Reports()
        => Verify.VerifyAsync("""
            class SpamCleanup
            {
                async Task DestroyGroups(AppDbContext db, long[] ids, CancellationToken ct)
                {
                    foreach (var id in ids)
                    {
                        var group = await db.Groups.FindAsync([id], ct);
                        db.Groups.[|Remove|](group!);
                        await db.SaveChangesAsync(ct);
                    }
                }
            }
            """);

    [Fact]
    public Task IdsParameter_SingleByKeyInline_Reports()
        => Verify.VerifyAsync("""
            class SpamCleanup
            {
                void DestroyGroups(AppDbContext db, List<long> ids)
                {
                    foreach (var id in ids)
                        db.[|Remove|](db.Groups.Single(g => g.Id == id));
                }
            }
            """);

    [Fact]
    public Task NavigationCollection_Reports()
        => Verify.VerifyAsync("""
            class GroupService
            {
                void Destroy(AppDbContext db, Group group)
                {
                    foreach (var post in group.Posts)
                        db.Posts.[|Remove|](post);
                    db.Groups.Remove(group);
                }
            }
            """);

    [Fact]
    public Task NestedLoop_ChildrenOfEachParent_ReportsTheInnerDelete()
        => Verify.VerifyAsync("""
            class GroupService
            {
                void Destroy(AppDbContext db, IReadOnlyList<Group> groups)
                {
                    foreach (var group in groups)
                    {
                        foreach (var post in group.Posts.ToList())
                            db.Posts.[|Remove|](post);
                        db.Groups.[|Remove|](group);
                    }
                }
            }
            """);

    [Fact]
    public Task Field_Reports()
        => Verify.VerifyAsync("""
            class Purger(AppDbContext db)
            {
                private readonly List<Post> _flagged = new();

                void Purge()
                {
                    foreach (var post in _flagged)
                        db.Posts.[|Remove|](post);
                }
            }
            """);

    [Fact]
    public Task ListForEach_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.Where(p => p.IsSpam).ToList().ForEach(p => db.Posts.[|Remove|](p));
                }
            }
            """);

    [Fact]
    public Task ForEachAsync_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                Task Run(AppDbContext db, CancellationToken ct)
                    => db.Posts.Where(p => p.IsSpam).ForEachAsync(p => db.Posts.[|Remove|](p), ct);
            }
            """);

    [Fact]
    public Task SelectRunForItsSideEffect_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                int Run(AppDbContext db)
                    => db.Posts.Where(p => p.IsSpam).AsEnumerable().Select(p => db.Posts.[|Remove|](p)).Count();
            }
            """);

    [Fact]
    public Task ForLoopOverIndexes_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    var spam = db.Posts.Where(p => p.IsSpam).ToList();
                    for (var i = spam.Count - 1; i >= 0; i--)
                        db.Posts.[|Remove|](spam[i]);
                }
            }
            """);

    [Fact]
    public Task WhileAndDoLoopsOverIndexes_Report()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    var i = 0;
                    while (i < posts.Count)
                    {
                        db.Posts.[|Remove|](posts[i]);
                        i++;
                    }

                    var j = 0;
                    do
                    {
                        db.Posts.[|Remove|](posts[j++]);
                    }
                    while (j < posts.Count);
                }
            }
            """);

    [Fact]
    public Task LocalHoldingAQuery_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, DateTime cutoff)
                {
                    var old = db.Posts.Where(p => p.CreatedAt < cutoff);
                    foreach (var post in old)
                        db.Posts.[|Remove|](post);
                }
            }
            """);

    [Fact]
    public Task TakeAboveTheBound_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var p in db.Posts.Where(p => p.IsSpam).Take(50_000).ToList())
                        db.Posts.[|Remove|](p);
                }
            }
            """);

    [Fact]
    public Task RemoveRangeOfUnboundedQueryOrNavigation_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, Group group)
                {
                    db.Posts.[|RemoveRange|](db.Posts.Where(p => p.IsSpam));
                    db.Memberships.[|RemoveRange|](group.Memberships);
                    db.[|RemoveRange|](db.Posts.Where(p => p.GroupId == group.Id).ToList());
                }
            }
            """);

    [Fact]
    public Task ExecuteDeleteByKeyOncePerId_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, IEnumerable<long> ids)
                {
                    foreach (var id in ids)
                        await db.Groups.Where(g => g.Id == id).[|ExecuteDeleteAsync|]();
                }
            }
            """);

    [Fact]
    public async Task Message_NamesEntityAndSet()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase("""
            class GroupService
            {
                void Destroy(AppDbContext db, Group group)
                {
                    foreach (var post in group.Posts)
                        db.Posts.[|Remove|](post);
                }
            }
            """));

        Assert.Equal(
            "'Remove' deletes Post entities one at a time over the navigation collection 'Group.Posts'. Delete in bounded batches, or with one set-based ExecuteDelete on the query.",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- Quiet ------------------------------------------------------------------------------------------------

    [Fact]
    public Task TakeWithinTheBound_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                const int BatchSize = 1000;

                void Run(AppDbContext db)
                {
                    foreach (var p in db.Posts.Where(p => p.IsSpam).Take(BatchSize).ToList())
                        db.Posts.Remove(p);
                }
            }
            """);

    [Fact]
    public Task OneEntityByFirstSingleOrFind_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, long id)
                {
                    db.Groups.Remove(db.Groups.Single(g => g.Id == id));
                    db.Remove(db.Posts.First(p => p.GroupId == id));
                    db.Remove((await db.Memberships.FindAsync(id))!);
                    await db.SaveChangesAsync();
                }
            }
            """);

    [Fact]
    public Task LoopOverKeyEqualityFilter_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, long id)
                {
                    foreach (var g in db.Groups.Where(g => g.Id == id).ToList())
                        db.Groups.Remove(g);
                }
            }
            """);

    [Fact]
    public Task LiteralIds_AreQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                private static readonly long[] FixtureIds = { 1, 2, 3 };

                void Run(AppDbContext db)
                {
                    foreach (var id in new[] { 10L, 11L })
                        db.Groups.Remove(db.Groups.Find(id)!);
                    foreach (var id in FixtureIds)
                        db.Groups.Remove(db.Groups.Find(id)!);
                    foreach (var id in (long[])[4, 5])
                        db.Groups.Remove(db.Groups.Find(id)!);
                }
            }
            """);

    [Fact]
    public Task LoopThatOnlyAdds_IsQuiet()
        => Verify.VerifyAsync("""
            class Import
            {
                void Run(AppDbContext db, IEnumerable<string> titles, Group group)
                {
                    foreach (var title in titles)
                        db.Posts.Add(new Post { Title = title, Group = group });
                    db.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task BatchedDeleteOfTakeBatches_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    while (true)
                    {
                        var batch = await db.Posts.Where(p => p.IsSpam).OrderBy(p => p.Id).Take(500).ToListAsync(ct);
                        if (batch.Count == 0)
                        {
                            break;
                        }

                        foreach (var post in batch)
                            db.Posts.Remove(post);
                        db.Posts.RemoveRange(batch);
                        await db.SaveChangesAsync(ct);
                        db.ChangeTracker.Clear();
                    }
                }
            }
            """);

    [Fact]
    public Task BoundedExecuteDeletePerIteration_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, long[] ids)
                {
                    while (await db.Posts.Where(p => p.IsSpam).Take(1000).ExecuteDeleteAsync() > 0)
                    {
                    }

                    foreach (var chunk in ids.Chunk(500))
                        db.Groups.Where(g => chunk.Contains(g.Id)).ExecuteDelete();

                    foreach (var id in ids)
                        db.Posts.Where(p => p.GroupId == id).ExecuteDelete();
                }
            }
            """);

    [Fact]
    public Task ChunkedIds_AreQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, long[] ids)
                {
                    foreach (var chunk in ids.Chunk(200))
                    {
                        foreach (var id in chunk)
                            db.Groups.Remove(db.Groups.Find(id)!);
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task RetryLoopAroundSaveChanges_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, Group group)
                {
                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        try
                        {
                            db.Groups.Remove(group);
                            db.SaveChanges();
                            return;
                        }
                        catch (DbUpdateConcurrencyException)
                        {
                            db.ChangeTracker.Clear();
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task AuditLoopOverChangeTrackerInSaveChangesOverride_IsQuiet()
        => Verify.VerifyAsync("""
            class AuditedContext : AppDbContext
            {
                public override int SaveChanges(bool acceptAllChangesOnSuccess)
                {
                    foreach (var entry in ChangeTracker.Entries<Group>().Where(e => e.State == EntityState.Deleted).ToList())
                    {
                        foreach (var membership in entry.Entity.Memberships)
                            Memberships.Remove(membership);
                        Posts.RemoveRange(entry.Entity.Posts);
                    }

                    return base.SaveChanges(acceptAllChangesOnSuccess);
                }
            }
            """);

    [Fact]
    public Task UnknownSourceAndLocallyBuiltCollections_AreQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                IEnumerable<Post> Load() => [];

                void Run(AppDbContext db, Post first, Post second)
                {
                    foreach (var p in Load())
                        db.Posts.Remove(p);

                    var picked = new List<Post>();
                    picked.Add(first);
                    picked.Add(second);
                    foreach (var p in picked)
                        db.Posts.Remove(p);
                }
            }
            """);

    [Fact]
    public Task RemoveThatDoesNotDependOnTheElement_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, Group group)
                {
                    var total = 0;
                    foreach (var post in group.Posts)
                        total += post.Score;
                    if (total < 0)
                        db.Groups.Remove(group);
                }
            }
            """);

    [Fact]
    public Task RemoveOnAPlainList_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, List<Post> pending)
                {
                    foreach (var post in db.Posts.Where(p => p.IsSpam).ToList())
                        pending.Remove(post);
                }
            }
            """);

    [Fact]
    public Task RemoveRangeOfCallerListOrBoundedQuery_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, List<Post> posts, long id)
                {
                    db.Posts.RemoveRange(posts);
                    db.Posts.RemoveRange(db.Posts.Where(p => p.IsSpam).Take(100));
                    db.Groups.RemoveRange(db.Groups.Where(g => g.Id == id));
                }
            }
            """);

    [Fact]
    public Task DeleteInsideADeferredLambda_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, List<Post> posts, List<Action> work)
                {
                    foreach (var post in posts)
                        work.Add(() => db.Posts.Remove(post));
                }
            }
            """);

    // ---- Code fix: ExecuteDelete ------------------------------------------------------------------------------

    [Fact]
    public Task Fix_ForEachOverToList_BecomesExecuteDelete()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.Where(p => p.IsSpam).ToList())
                    {
                        db.Posts.[|Remove|](post);
                    }

                    db.SaveChanges();
                }
            }
            """,
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.Where(p => p.IsSpam).ExecuteDelete();

                    db.SaveChanges();
                }
            }
            """,
            PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey);

    [Fact]
    public Task Fix_ForEachOverDbSet_BecomesExecuteDeleteOnTheSet()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var m in db.Memberships) db.[|Remove|](m);
                }
            }
            """,
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Memberships.ExecuteDelete();
                }
            }
            """);

    [Fact]
    public Task Fix_AwaitForEachWithCancellation_BecomesExecuteDeleteAsyncWithTheToken()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await foreach (var g in db.Groups.Where(g => g.IsSpam).AsAsyncEnumerable().WithCancellation(ct))
                        db.Groups.[|Remove|](g);
                    await db.SaveChangesAsync(ct);
                }
            }
            """,
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Groups.Where(g => g.IsSpam).ExecuteDeleteAsync(ct);
                    await db.SaveChangesAsync(ct);
                }
            }
            """,
            PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey);

    [Fact]
    public Task Fix_ForEachOverToListAsync_BecomesExecuteDeleteAsync()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, DateTime cutoff, CancellationToken cancellationToken)
                {
                    foreach (var post in await db.Posts.Where(p => p.CreatedAt < cutoff).ToListAsync(cancellationToken))
                    {
                        db.Remove(post);
                    }
                }
            }
            """.Replace("db.Remove(", "db.[|Remove|](", StringComparison.Ordinal),
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, DateTime cutoff, CancellationToken cancellationToken)
                {
                    await db.Posts.Where(p => p.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
                }
            }
            """,
            PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey);

    [Fact]
    public Task Fix_ListForEach_BecomesExecuteDelete()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.Where(p => p.IsSpam).ToList().ForEach(p => db.Posts.[|Remove|](p));
                }
            }
            """,
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.Where(p => p.IsSpam).ExecuteDelete();
                }
            }
            """);

    [Fact]
    public Task Fix_AwaitedForEachAsync_BecomesExecuteDeleteAsyncWithTheToken()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Posts.Where(p => p.IsSpam).ForEachAsync(p => db.Posts.[|Remove|](p), ct);
                }
            }
            """,
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Posts.Where(p => p.IsSpam).ExecuteDeleteAsync(ct);
                }
            }
            """,
            PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey);

    [Fact]
    public Task Fix_RemoveRangeOfQuery_BecomesExecuteDelete()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.[|RemoveRange|](db.Posts.Where(p => p.IsSpam));
                }
            }
            """,
            """
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    db.Posts.Where(p => p.IsSpam).ExecuteDelete();
                }
            }
            """);

    [Fact]
    public async Task Fix_IsOfferedOnce_WithItsPublicKey()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync("""
            class Cleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.ToList()) db.Posts.[|Remove|](post);
                }
            }
            """);

        Assert.Equal([("Delete with one ExecuteDelete on the query", PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey)], fixes);
    }

    [Theory]
    [InlineData("foreach (var post in db.Posts.ToList()) { Console.WriteLine(post.Id); db.Posts.[|Remove|](post); }")]
    [InlineData("foreach (var post in db.Posts.Include(p => p.Group).ToList()) db.Posts.[|Remove|](post);")]
    [InlineData("foreach (var id in ids) db.Groups.[|Remove|](db.Groups.Find(id)!);")]
    [InlineData("foreach (var post in group.Posts) db.Posts.[|Remove|](post);")]
    [InlineData("var spam = db.Posts.Where(p => p.IsSpam).ToList(); foreach (var post in spam) db.Posts.[|Remove|](post);")]
    [InlineData("foreach (var post in db.Posts.ToList().Where(p => p.Score < 0)) db.Posts.[|Remove|](post);")]
    [InlineData("foreach (var post in db.Posts) db.Groups.[|Remove|](post.Group);")]
    [InlineData("var all = db.Posts.ToList(); for (var i = 0; i < all.Count; i++) db.Posts.[|Remove|](all[i]);")]
    [InlineData("_ = db.Posts.AsEnumerable().Select(p => db.Posts.[|Remove|](p)).ToList();")]
    [InlineData("var pending = db.Posts.ForEachAsync(p => db.Posts.[|Remove|](p));")]
    [InlineData("foreach (var id in ids) db.Groups.Where(g => g.Id == id).[|ExecuteDelete|]();")]
    public Task Fix_NotOffered_WhenTheRewriteWouldChangeMeaning(string statements)
        => VerifyFix.VerifyNoFixAsync($$"""
            class Cleanup
            {
                void Run(AppDbContext db, Group group, long[] ids)
                {
                    {{statements}}
                }
            }
            """);

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task Fix_FixAll_RewritesEveryLoopInScope(FixAllScope scope)
    {
        var before = new AnalyzerTestCase(
            """
            class First
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    foreach (var post in db.Posts.Where(p => p.IsSpam).ToList())
                        db.Posts.[|Remove|](post);
                    await foreach (var m in db.Memberships.AsAsyncEnumerable())
                        db.Memberships.[|Remove|](m);
                }
            }
            """,
            """
            class Second
            {
                void Run(AppDbContext db) { db.Groups.[|RemoveRange|](db.Groups.Where(g => g.IsSpam)); }
            }
            """);
        var after = new AnalyzerTestCase(
            """
            class First
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    db.Posts.Where(p => p.IsSpam).ExecuteDelete();
                    await db.Memberships.ExecuteDeleteAsync();
                }
            }
            """,
            scope == FixAllScope.Project
                ? """
                  class Second
                  {
                      void Run(AppDbContext db) { db.Groups.Where(g => g.IsSpam).ExecuteDelete(); }
                  }
                  """
                : before.Sources[1]);

        return VerifyFix.VerifyFixAllAsync(before, after, scope, PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey);
    }

    // ---- Code fix: DeleteInBatchesAsync, first where BulkSafety's runtime is referenced ------------------------

    private const string Batched = "Delete in paced batches with DeleteInBatchesAsync";

    [Fact]
    public async Task Fixes_InAnAsyncMethod_OfferTheBatchedDeleteFirst()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    foreach (var post in await db.Posts.Where(p => p.IsSpam).ToListAsync(ct))
                        db.Posts.[|Remove|](post);
                }
            }
            """);

        Assert.Equal(
            [(Batched, PerEntityDeleteLoopCodeFix.DeleteInBatchesEquivalenceKey), ("Delete with one ExecuteDeleteAsync on the query", PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey)],
            fixes);
    }

    [Fact]
    public async Task Fixes_WithoutTheBulkSafetyRuntime_OfferOnlyExecuteDelete()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync(new AnalyzerTestCase("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    foreach (var post in await db.Posts.Where(p => p.IsSpam).ToListAsync(ct))
                        db.Posts.[|Remove|](post);
                }
            }
            """) { ReferenceBulkSafety = false });

        Assert.Equal([("Delete with one ExecuteDeleteAsync on the query", PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey)], fixes);
    }

    [Theory]
    [InlineData("void Run(AppDbContext db) { foreach (var post in db.Posts.ToList()) db.Posts.[|Remove|](post); }")]
    [InlineData("async Task Run(AppDbContext db, object gate) { await Task.Yield(); lock (gate) { foreach (var post in db.Posts.ToList()) db.Posts.[|Remove|](post); } }")]
    [InlineData("void Run(AppDbContext db) { Action run = () => { foreach (var post in db.Posts.ToList()) db.Posts.[|Remove|](post); }; run(); }")]
    [InlineData("Task Run(AppDbContext db) { foreach (var post in db.Posts.ToList()) db.Posts.[|Remove|](post); return Task.CompletedTask; }")]
    public async Task Fixes_WhereTheStatementCannotAwait_OfferOnlyExecuteDelete(string method)
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync($$"""
            class Cleanup
            {
                {{method}}
            }
            """);

        Assert.Equal([("Delete with one ExecuteDelete on the query", PerEntityDeleteLoopCodeFix.ExecuteDeleteEquivalenceKey)], fixes);
    }

    [Fact]
    public Task BatchedFix_AwaitForEachWithCancellation_PassesTheTokenAndImportsTheApi()
        => VerifyFix.VerifyFixAsync(
            """
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await foreach (var g in db.Groups.Where(g => g.IsSpam).AsAsyncEnumerable().WithCancellation(ct))
                        db.Groups.[|Remove|](g);
                    await db.SaveChangesAsync(ct);
                }
            }
            """,
            """
            using BulkSafety.SafePaths;

            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Groups.Where(g => g.IsSpam).DeleteInBatchesAsync(cancellationToken: ct);
                    await db.SaveChangesAsync(ct);
                }
            }
            """,
            PerEntityDeleteLoopCodeFix.DeleteInBatchesEquivalenceKey);

    [Fact]
    public Task BatchedFix_SyncLoopInAnAsyncLambda_AwaitsTheBatchedDelete()
        => VerifyFix.VerifyFixAsync(
            """
            using BulkSafety.SafePaths;

            class Cleanup
            {
                Func<Task> Later(AppDbContext db) => async () =>
                {
                    foreach (var m in db.Memberships.ToList())
                    {
                        db.[|Remove|](m);
                    }
                };
            }
            """,
            """
            using BulkSafety.SafePaths;

            class Cleanup
            {
                Func<Task> Later(AppDbContext db) => async () =>
                {
                    await db.Memberships.DeleteInBatchesAsync();
                };
            }
            """);

    [Fact]
    public Task BatchedFix_RemoveRangeOfAQuery_InTopLevelStatements()
        => VerifyFix.VerifyFixAsync(
            new AnalyzerTestCase("""
                using var db = new AppDbContext();
                db.Posts.[|RemoveRange|](db.Posts.Where(p => p.Score < 0));
                await db.SaveChangesAsync();
                """) { OutputKind = OutputKind.ConsoleApplication },
            new AnalyzerTestCase("""
                using BulkSafety.SafePaths;

                using var db = new AppDbContext();
                await db.Posts.Where(p => p.Score < 0).DeleteInBatchesAsync();
                await db.SaveChangesAsync();
                """) { OutputKind = OutputKind.ConsoleApplication },
            PerEntityDeleteLoopCodeFix.DeleteInBatchesEquivalenceKey);

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task BatchedFix_FixAll_RewritesEveryLoopThatCanAwait(FixAllScope scope)
    {
        var before = new AnalyzerTestCase(
            """
            class First
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    foreach (var post in db.Posts.Where(p => p.IsSpam).ToList())
                        db.Posts.[|Remove|](post);
                    await foreach (var m in db.Memberships.AsAsyncEnumerable())
                        db.Memberships.[|Remove|](m);
                }

                void NotAsync(AppDbContext db) { db.Groups.[|RemoveRange|](db.Groups.Where(g => g.IsSpam)); }
            }
            """,
            """
            class Second
            {
                async Task Run(AppDbContext db) { db.Groups.[|RemoveRange|](db.Groups.Where(g => g.IsSpam)); await db.SaveChangesAsync(); }
            }
            """);
        var after = new AnalyzerTestCase(
            """
            using BulkSafety.SafePaths;

            class First
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Posts.Where(p => p.IsSpam).DeleteInBatchesAsync();
                    await db.Memberships.DeleteInBatchesAsync();
                }

                void NotAsync(AppDbContext db) { db.Groups.[|RemoveRange|](db.Groups.Where(g => g.IsSpam)); }
            }
            """,
            scope == FixAllScope.Project
                ? """
                  using BulkSafety.SafePaths;

                  class Second
                  {
                      async Task Run(AppDbContext db) { await db.Groups.Where(g => g.IsSpam).DeleteInBatchesAsync(); await db.SaveChangesAsync(); }
                  }
                  """
                : before.Sources[1]);

        return VerifyFix.VerifyFixAllAsync(before, after, scope, PerEntityDeleteLoopCodeFix.DeleteInBatchesEquivalenceKey);
    }

    // ---- Options, severity, scope -----------------------------------------------------------------------------

    private const string TakeTwoHundred = """
        class Cleanup
        {
            void Run(AppDbContext db)
            {
                foreach (var p in db.Posts.Where(p => p.IsSpam).Take(200).ToList())
                    db.Posts.MARK(p);
            }
        }
        """;

    [Theory]
    [InlineData(null, false)]
    [InlineData("dotnet_code_quality.BS1001.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.small_set_max = 100\ndotnet_code_quality.BS1001.small_set_max = 500", false)]
    [InlineData("dotnet_code_quality.BS1001.small_set_max = many", false)]
    [InlineData("dotnet_code_quality.BS1001.small_set_max = -5", false)]
    [InlineData("dotnet_code_quality.BS1002.small_set_max = 100", false)]
    public Task SmallSetMax_EditorConfig_MovesTheBound(string? editorConfig, bool reported)
        => Verify.VerifyAsync(TakeTwoHundred.Replace("MARK", reported ? "[|Remove|]" : "Remove", StringComparison.Ordinal), editorConfig);

    [Theory]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    public async Task Severity_EditorConfig_Overrides(string configured, DiagnosticSeverity expected)
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(TakeTwoHundred.Replace("MARK", "[|Remove|]", StringComparison.Ordinal))
        {
            EditorConfig = $"dotnet_code_quality.BS1001.small_set_max = 10\ndotnet_diagnostic.BS1001.severity = {configured}",
        });

        Assert.Equal(expected, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public async Task Severity_CategoryWideEditorConfig_Overrides()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(TakeTwoHundred.Replace("MARK", "[|Remove|]", StringComparison.Ordinal))
        {
            EditorConfig = "dotnet_code_quality.small_set_max = 10\ndotnet_analyzer_diagnostic.category-BulkSafety.BulkWrites.severity = error",
        });

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public Task Severity_None_Silences()
        => Verify.VerifyAsync(TakeTwoHundred.Replace("MARK", "Remove", StringComparison.Ordinal), "dotnet_code_quality.BS1001.small_set_max = 10\ndotnet_diagnostic.BS1001.severity = none");

    [Fact]
    public Task WithoutEfCore_LookalikeCodeIsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase("""
            using System.Collections.Generic;
            namespace Lookalike;
            class DbSet<T> { public void Remove(T item) { } }
            class DbContext { public DbSet<string> Posts { get; } = new(); }
            class Cleanup
            {
                void Run(DbContext db, List<string> posts)
                {
                    foreach (var p in posts)
                        db.Posts.Remove(p);
                }
            }
            """) { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task GeneratedCode_IsSkipped()
        => Verify.VerifyAsync(new AnalyzerTestCase(
            """
            class GeneratedCleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var p in db.Posts) db.Posts.Remove(p);
                }
            }
            """,
            """
            // <auto-generated/>
            class MarkedCleanup
            {
                void Run(AppDbContext db)
                {
                    foreach (var p in db.Posts) db.Posts.Remove(p);
                }
            }
            """) { DocumentName = i => i == 0 ? "Cleanup.g.cs" : "Marked.cs" });

    [Fact]
    public Task HalfTypedCode_DoesNotThrow()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, IEnumerable<long> ids)
                {
                    foreach (var g in db.Groups.Where(g => g.{|CS1001:)|})
                        db.Groups.[|Remove|](g);
                    foreach (var id in ids)
                        db.Groups.Remove({|CS1503:id|});
                    foreach (var p in {|CS0103:missing|})
                        db.Posts.Remove(p);
                    foreach (var x in db.Posts)
                        db.Posts.{|CS1061:Delete|}(x);
                    db.Posts.RemoveRange();
                    foreach (var q in db.Posts) db.Posts.[|Remove|](q{|CS1026:|}{|CS1002:|}
                }
            }
            """);
}
