using BulkSafety.Analyzers.Tests.Verification;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.SaveChangesInLoopAnalyzer>;
using VerifyFix = BulkSafety.Analyzers.Tests.Verification.CodeFixVerifier<BulkSafety.Analyzers.Rules.SaveChangesInLoopAnalyzer, BulkSafety.CodeFixes.Rules.SaveChangesInLoopCodeFix>;

namespace BulkSafety.Analyzers.Tests.Rules;

public sealed class SaveChangesInLoopTests
{
    // ---- Violations -------------------------------------------------------------------------------------------

    [Fact]
    public Task AssignInLoopOverQuery_SaveEachTime_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task IncidentLoop_FindRemoveSaveEachTime_Reports()
        => Verify.VerifyAsync("""
            class SpamCleanup
            {
                async Task Run(AppDbContext db, IEnumerable<long> ids, CancellationToken ct)
                {
                    foreach (var id in ids)
                    {
                        var group = await db.Groups.FindAsync([id], ct);
                        if (group is null) continue;
                        db.Groups.Remove(group);
                        await db.[|SaveChangesAsync|](ct);
                    }
                }
            }
            """);

    [Fact]
    public Task AwaitForEach_SaveChangesAsync_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                async Task Run(AppDbContext db)
                {
                    await foreach (var post in db.Posts.Where(p => p.IsSpam).AsAsyncEnumerable())
                    {
                        post.Score = 0;
                        await db.[|SaveChangesAsync|]().ConfigureAwait(false);
                    }
                }
            }
            """);

    [Fact]
    public Task ImportAddingEachRow_SaveEachTime_Reports()
        => Verify.VerifyAsync("""
            record PostRow(string Title, long GroupId);

            class Import
            {
                void Run(AppDbContext db, IReadOnlyList<PostRow> rows)
                {
                    foreach (var row in rows)
                    {
                        db.Posts.Add(new Post { Title = row.Title, GroupId = row.GroupId });
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task ForLoopOverIndexes_UpdateEachTime_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    for (var i = 0; i < posts.Count; i++)
                    {
                        db.Update(posts[i]);
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task ListForEach_SaveEachTime_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    db.Posts.ToList().ForEach(p =>
                    {
                        p.Score++;
                        db.[|SaveChanges|]();
                    });
                }
            }
            """);

    [Fact]
    public Task EntryStateChange_SaveEachTime_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, Post[] detached)
                {
                    foreach (var post in detached)
                    {
                        db.Entry(post).State = EntityState.Modified;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task NavigationCollection_RemoveEachChild_SaveEachTime_Reports()
        => Verify.VerifyAsync("""
            class GroupService
            {
                void Destroy(AppDbContext db, Group group)
                {
                    foreach (var post in group.Posts.ToList())
                    {
                        db.Posts.Remove(post);
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task RetryLoopInsideAnEntityLoop_ReportsForTheEntityLoop()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, IEnumerable<Post> posts)
                {
                    foreach (var post in posts)
                    {
                        post.IsSpam = true;
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            try { db.[|SaveChanges|](); break; }
                            catch (DbUpdateConcurrencyException) { }
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task UnknownButUnboundedSource_AddEachTime_Reports()
        => Verify.VerifyAsync("""
            class Import
            {
                IEnumerable<string> ReadTitles() => [];

                void Run(AppDbContext db, Group group)
                {
                    foreach (var title in ReadTitles())
                    {
                        db.Add(new Post { Title = title, Group = group });
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task TakeAboveTheBound_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.OrderBy(p => p.Id).Take(10_000).ToList())
                    {
                        post.Score -= 1;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task FieldAndEnumeratorLoop_Report()
        => Verify.VerifyAsync("""
            class Moderation(AppDbContext db)
            {
                private readonly List<Membership> _expired = new();

                void Run()
                {
                    using var e = _expired.GetEnumerator();
                    while (e.MoveNext())
                    {
                        db.Memberships.Remove(e.Current);
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public async Task Message_NamesSetAndEntity()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase("""
            class Moderation
            {
                void Run(AppDbContext db, List<long> ids)
                {
                    foreach (var id in ids)
                    {
                        db.Groups.Find(id)!.IsSpam = true;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """));

        Assert.Equal(
            "'SaveChanges' runs once per iteration of a loop over the caller-supplied collection 'ids' that changes Group entities: one transaction per entity. Save once after the loop, or once per bounded batch.",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- Quiet ------------------------------------------------------------------------------------------------

    [Fact]
    public Task SaveAfterTheLoop_IsQuiet()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0))
                        post.IsSpam = true;
                    db.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task RetryLoopAroundSaveChanges_IsQuiet()
        => Verify.VerifyAsync("""
            class Moderation
            {
                async Task Run(AppDbContext db, Post post)
                {
                    post.IsSpam = true;
                    var saved = false;
                    while (!saved)
                    {
                        try
                        {
                            await db.SaveChangesAsync();
                            saved = true;
                        }
                        catch (DbUpdateConcurrencyException e)
                        {
                            foreach (var entry in e.Entries)
                                entry.OriginalValues.SetValues((await entry.GetDatabaseValuesAsync())!);
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task BatchLoopSavingOncePerTakeBatch_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    while (true)
                    {
                        var batch = await db.Posts.Where(p => p.IsSpam).Take(500).ToListAsync(ct);
                        if (batch.Count == 0) break;
                        foreach (var post in batch)
                        {
                            db.Posts.Remove(post);
                            await db.SaveChangesAsync(ct);
                        }

                        await db.SaveChangesAsync(ct);
                    }
                }
            }
            """);

    [Fact]
    public Task SavePerChunk_IsQuiet()
        => Verify.VerifyAsync("""
            class Import
            {
                void Run(AppDbContext db, IEnumerable<string> titles, long groupId)
                {
                    foreach (var chunk in titles.Chunk(1000))
                    {
                        foreach (var title in chunk)
                            db.Posts.Add(new Post { Title = title, GroupId = groupId });
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task BoundedOrLiteralSources_AreQuiet()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, long id)
                {
                    foreach (var post in db.Posts.OrderBy(p => p.Id).Take(20).ToList())
                    {
                        post.Score = 0;
                        db.SaveChanges();
                    }

                    foreach (var groupId in new[] { 1L, 2L, 3L })
                    {
                        db.Groups.Find(groupId)!.IsSpam = false;
                        db.SaveChanges();
                    }

                    foreach (var group in db.Groups.Where(g => g.Id == id))
                    {
                        group.IsSpam = true;
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task ContextPerIteration_IsQuiet()
        => Verify.VerifyAsync("""
            class TenantJob
            {
                void Run(IDbContextFactory<AppDbContext> factory, IEnumerable<string> tenants)
                {
                    foreach (var tenant in tenants)
                    {
                        using var db = factory.CreateDbContext();
                        db.Groups.Add(new Group { Name = tenant });
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task LoopWithoutEntityChanges_IsQuiet()
        => Verify.VerifyAsync("""
            class Reporter
            {
                void Run(AppDbContext db, List<string> lines, Group group)
                {
                    foreach (var line in lines)
                    {
                        Console.WriteLine(line);
                        db.SaveChanges();
                    }

                    foreach (var post in group.Posts)
                    {
                        group.PostsCount--;
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task AssignmentToANonEntity_IsQuiet()
        => Verify.VerifyAsync("""
            class Job { public bool Done { get; set; } }

            class Runner
            {
                void Run(AppDbContext db, List<Job> jobs)
                {
                    foreach (var job in jobs)
                    {
                        job.Done = true;
                        db.SaveChanges();
                    }
                }
            }
            """);

    [Fact]
    public Task BookkeepingOverChangeTracker_IsQuiet()
        => Verify.VerifyAsync("""
            class TouchingContext : AppDbContext
            {
                public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
                {
                    foreach (var entry in ChangeTracker.Entries<Post>().ToList())
                    {
                        entry.Entity.Group.UpdatedAt = DateTime.UtcNow;
                        if (entry.State == EntityState.Deleted)
                            await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
                    }

                    return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
                }
            }
            """);

    [Fact]
    public Task PeriodicSaveOnACounterOrBuffer_IsQuiet()
        => Verify.VerifyAsync("""
            class Migration
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    const int Limit = 1000;
                    var processed = 0;
                    await foreach (var post in db.Posts.AsAsyncEnumerable())
                    {
                        post.Title = post.Title.Trim();
                        processed++;
                        if (processed >= Limit)
                        {
                            await db.SaveChangesAsync(ct);
                            db.ChangeTracker.Clear();
                            processed = 0;
                        }
                    }

                    var count = 0;
                    foreach (var group in db.Groups)
                    {
                        group.PostsCount = 0;
                        if (++count % 500 == 0)
                            db.SaveChanges();
                    }

                    var pending = new List<Post>();
                    foreach (var post in db.Posts.ToList())
                    {
                        post.Score = 0;
                        pending.Add(post);
                        if (pending.Count >= 200)
                        {
                            db.SaveChanges();
                            pending.Clear();
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task SaveUnderAConditionOnTheElementOrAFlag_Reports()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, List<long> ids, bool dryRun)
                {
                    foreach (var id in ids)
                    {
                        var group = db.Groups.Find(id);
                        if (group is not null)
                        {
                            group.IsSpam = true;
                            db.[|SaveChanges|]();
                        }
                    }

                    foreach (var id in ids)
                    {
                        db.Groups.Find(id)!.IsSpam = false;
                        if (!dryRun)
                            db.[|SaveChanges|]();
                    }
                }
            }
            """);

    [Fact]
    public Task SaveInADeferredLambda_IsQuiet()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts, List<Func<int>> work)
                {
                    foreach (var post in posts)
                    {
                        post.IsSpam = true;
                        work.Add(() => db.SaveChanges());
                    }
                }
            }
            """);

    // ---- Code fix: save once after the loop -------------------------------------------------------------------

    [Fact]
    public Task Fix_MovesTheSaveAfterTheLoop()
        => VerifyFix.VerifyFixAsync(
            """
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                        db.[|SaveChanges|]();
                    }

                    Console.WriteLine("done");
                }
            }
            """,
            """
            class Moderation
            {
                void Run(AppDbContext db)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                    }
                    db.SaveChanges();

                    Console.WriteLine("done");
                }
            }
            """,
            SaveChangesInLoopCodeFix.MoveAfterLoopEquivalenceKey);

    [Fact]
    public Task Fix_AsyncSaveWithToken_MovesAsIs()
        => VerifyFix.VerifyFixAsync(
            """
            class Import
            {
                async Task Run(AppDbContext db, IEnumerable<string> titles, long groupId, CancellationToken ct)
                {
                    foreach (var title in titles)
                    {
                        db.Posts.Add(new Post { Title = title, GroupId = groupId });
                        await db.[|SaveChangesAsync|](ct).ConfigureAwait(false);
                    }
                }
            }
            """,
            """
            class Import
            {
                async Task Run(AppDbContext db, IEnumerable<string> titles, long groupId, CancellationToken ct)
                {
                    foreach (var title in titles)
                    {
                        db.Posts.Add(new Post { Title = title, GroupId = groupId });
                    }
                    await db.SaveChangesAsync(ct).ConfigureAwait(false);
                }
            }
            """);

    [Fact]
    public Task Fix_WhenTheSameSaveFollows_RemovesTheOneInTheLoop()
        => VerifyFix.VerifyFixAsync(
            """
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    foreach (var post in posts)
                    {
                        post.Score = 0;
                        db.[|SaveChanges|]();
                    }
                    db.SaveChanges();
                }
            }
            """,
            """
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    foreach (var post in posts)
                    {
                        post.Score = 0;
                    }
                    db.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task Fix_NestedLoops_EndsAfterTheOuterLoop()
        => VerifyFix.VerifyFixAsync(
            new AnalyzerTestCase("""
            class Moderation
            {
                void Run(AppDbContext db, List<Group> groups)
                {
                    foreach (var group in groups)
                    {
                        foreach (var post in group.Posts)
                        {
                            post.IsSpam = true;
                            db.[|SaveChanges|]();
                        }
                    }
                }
            }
            """),
            new AnalyzerTestCase("""
            class Moderation
            {
                void Run(AppDbContext db, List<Group> groups)
                {
                    foreach (var group in groups)
                    {
                        foreach (var post in group.Posts)
                        {
                            post.IsSpam = true;
                        }
                    }
                    db.SaveChanges();
                }
            }
            """),
            iterations: 2); // each application moves the save out of one loop

    [Theory]
    [InlineData("foreach (var p in posts) { p.Score = 0; var saved = db.[|SaveChanges|](); Console.WriteLine(saved); }")]
    [InlineData("foreach (var p in posts) { p.Score = 0; db.[|SaveChanges|](); Console.WriteLine(p.Id); }")]
    [InlineData("foreach (var p in posts) { p.Score = 0; if (p.IsSpam) db.[|SaveChanges|](); }")]
    [InlineData("foreach (var p in posts) { if (p.IsSpam) return; p.Score = 0; db.[|SaveChanges|](); }")]
    [InlineData("foreach (var p in posts) { if (p.IsSpam) break; p.Score = 0; db.[|SaveChanges|](); }")]
    [InlineData("foreach (var p in posts) { if (p.IsSpam) throw new InvalidOperationException(); p.Score = 0; db.[|SaveChanges|](); }")]
    [InlineData("posts.ForEach(p => { p.Score = 0; db.[|SaveChanges|](); });")]
    [InlineData("if (posts.Count > 0) foreach (var p in posts) { p.Score = 0; db.[|SaveChanges|](); }")]
    [InlineData("foreach (var p in posts) { var ctx = db; p.Score = 0; ctx.[|SaveChanges|](); }")]
    public Task Fix_NotOffered_WhenMovingCouldChangeMeaning(string statements)
        => VerifyFix.VerifyNoFixAsync($$"""
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    {{statements}}
                }
            }
            """);

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task Fix_FixAll_MovesEverySaveInScope(FixAllScope scope)
    {
        const string Second = """
            class Second
            {
                void Run(AppDbContext db, List<Group> groups)
                {
                    foreach (var g in groups)
                    {
                        g.IsSpam = false;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """;
        var before = new AnalyzerTestCase(
            """
            class First
            {
                async Task Run(AppDbContext db, List<Post> posts, List<Membership> memberships)
                {
                    foreach (var p in posts)
                    {
                        p.Score = 1;
                        await db.[|SaveChangesAsync|]();
                    }

                    foreach (var m in memberships)
                    {
                        db.Remove(m);
                        db.[|SaveChanges|]();
                    }
                }
            }
            """,
            Second);
        var after = new AnalyzerTestCase(
            """
            class First
            {
                async Task Run(AppDbContext db, List<Post> posts, List<Membership> memberships)
                {
                    foreach (var p in posts)
                    {
                        p.Score = 1;
                    }
                    await db.SaveChangesAsync();

                    foreach (var m in memberships)
                    {
                        db.Remove(m);
                    }
                    db.SaveChanges();
                }
            }
            """,
            scope == FixAllScope.Project
                ? """
                  class Second
                  {
                      void Run(AppDbContext db, List<Group> groups)
                      {
                          foreach (var g in groups)
                          {
                              g.IsSpam = false;
                          }
                          db.SaveChanges();
                      }
                  }
                  """
                : Second);
        return VerifyFix.VerifyFixAllAsync(before, after, scope, SaveChangesInLoopCodeFix.MoveAfterLoopEquivalenceKey);
    }

    // ---- Options, severity, scope -----------------------------------------------------------------------------

    private const string TakeTwoHundred = """
        class Moderation
        {
            void Run(AppDbContext db)
            {
                foreach (var post in db.Posts.Take(200).ToList())
                {
                    post.Score = 0;
                    db.MARK();
                }
            }
        }
        """;

    [Theory]
    [InlineData(null, false)]
    [InlineData("dotnet_code_quality.BS1002.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.small_set_max = 100", true)]
    [InlineData("dotnet_code_quality.BS1002.small_set_max = 1e3", false)]
    [InlineData("dotnet_code_quality.BS1001.small_set_max = 100", false)]
    public Task SmallSetMax_EditorConfig_MovesTheBound(string? editorConfig, bool reported)
        => Verify.VerifyAsync(TakeTwoHundred.Replace("MARK", reported ? "[|SaveChanges|]" : "SaveChanges", StringComparison.Ordinal), editorConfig);

    [Fact]
    public async Task Severity_EditorConfig_Overrides()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(TakeTwoHundred.Replace("MARK", "[|SaveChanges|]", StringComparison.Ordinal))
        {
            EditorConfig = "dotnet_code_quality.small_set_max = 10\ndotnet_diagnostic.BS1002.severity = error",
        });

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public Task WithoutEfCore_LookalikeCodeIsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase("""
            using System.Collections.Generic;
            class DbContext { public void Add(object o) { } public int SaveChanges() => 0; }
            class Import
            {
                void Run(DbContext db, List<string> rows)
                {
                    foreach (var row in rows)
                    {
                        db.Add(row);
                        db.SaveChanges();
                    }
                }
            }
            """) { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task GeneratedCode_IsSkipped()
        => Verify.VerifyAsync(new AnalyzerTestCase("""
            class Generated
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    foreach (var p in posts) { p.Score = 0; db.SaveChanges(); }
                }
            }
            """) { DocumentName = _ => "Model.Designer.g.cs" });

    [Fact]
    public Task HalfTypedCode_DoesNotThrow()
        => Verify.VerifyAsync("""
            class Moderation
            {
                void Run(AppDbContext db, List<Post> posts)
                {
                    foreach (var p in posts) { p.{|CS1061:Missing|} = 1; db.SaveChanges(); }
                    foreach (var p in posts) { p.Score = {|CS0103:unknown|}; db.[|SaveChanges|](); }
                    foreach (var p in posts) { db.Add(p); db.SaveChanges({|CS1503:"x"|}); }
                    foreach (var p in {|CS0103:nothing|}) { db.Add(p); db.SaveChanges(); }
                    foreach (var p in posts) { p.Score = 1; {|CS0103:ctx|}.SaveChanges(); }
                    foreach (var p in posts) { p.Score = 1; db.[|SaveChanges|]() {|CS1002:}|}
                }
            }
            """);
}
