using BulkSafety.Analyzers.Tests.Model;
using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.ParentRewrittenPerChildAnalyzer>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS2002: the parent row persisted once per child inside a loop over the children.</summary>
public sealed class ParentRewrittenPerChildTests
{
    private const string Usings = IncidentModel.Usings;

    // The incident model (with or without its SaveChanges bookkeeping) and a service whose CODE a test fills.
    private static AnalyzerTestCase Service(string code, bool bookkeepingInSaveChanges = false)
        => new(
            bookkeepingInSaveChanges ? IncidentModel.Plain : IncidentModel.WithoutBookkeeping,
            Usings + """
            namespace Incident;
            public sealed class Cleanup(IncidentContext db)
            {
                CODE
            }
            """.Replace("CODE", code, StringComparison.Ordinal)) { IncludePrelude = false };

    // ---- reported ----

    [Fact]
    public Task SaveChangesAfterCounterAndTouch_PerPost_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(Group group)
            {
                foreach (var post in group.Posts.ToList())
                {
                    group.PostsCount--;
                    group.UpdatedAt = DateTime.UtcNow;
                    post.Group.PostsCount--;
                    db.Posts.Remove(post);
                    db.[|SaveChanges|]();
                }
            }
            """));

    [Fact]
    public Task SaveChangesAsync_InAwaitForeach_IsReported()
        => Verify.VerifyAsync(Service("""
            public async Task RemoveAsync(long groupId, CancellationToken ct)
            {
                await foreach (var post in db.Posts.Where(p => p.GroupId == groupId).AsAsyncEnumerable())
                {
                    post.Group.PostsCount -= 1;
                    db.Posts.Remove(post);
                    await db.[|SaveChangesAsync|](ct);
                }
            }
            """));

    [Fact]
    public Task SaveChangesPerPost_WithBookkeepingInTheContextsSaveChanges_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(IEnumerable<Post> posts)
            {
                foreach (var post in posts)
                {
                    db.Posts.Remove(post);
                    db.[|SaveChanges|]();
                }
            }
            """, bookkeepingInSaveChanges: true));

    [Fact]
    public Task SaveChangesPerPost_WithBookkeepingInACalledEntityMethod_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.WithoutBookkeeping, Usings + """
            namespace Incident;
            public static class PostRules { public static void Detach(this Post post) => post.Group.PostsCount--; }
            public sealed class Cleanup(IncidentContext db)
            {
                public void Remove(List<Post> posts)
                {
                    for (var i = 0; i < posts.Count; i++)
                    {
                        posts[i].Detach();
                        db.Remove(posts[i]);
                        db.[|SaveChanges|]();
                    }
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task ExecuteUpdateOnTheParentPerPost_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(List<Post> posts)
            {
                foreach (var post in posts)
                {
                    db.Groups.Where(g => g.Id == post.GroupId).[|ExecuteUpdate|](s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1));
                }
            }
            """));

    [Fact]
    public Task ExecuteUpdateAsyncTouchPerPost_InForEach_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Touch(List<Post> posts)
                => posts.ForEach(post => db.Groups.Where(g => g.Id == post.GroupId).[|ExecuteUpdateAsync|](s => s.SetProperty(g => g.UpdatedAt, DateTime.UtcNow)).Wait());
            """));

    [Fact]
    public Task RawSqlCounterPerPost_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(Post[] posts)
            {
                foreach (var post in posts)
                {
                    db.Database.[|ExecuteSqlRaw|]("UPDATE groups SET posts_count = posts_count - 1 WHERE id = {0}", post.GroupId);
                }
            }
            """));

    [Fact]
    public Task RawSqlInterpolatedTouchPerMembership_IsReported()
        => Verify.VerifyAsync(Service("""
            public async Task LeaveAsync(IReadOnlyList<Membership> memberships)
            {
                foreach (var membership in memberships)
                {
                    await db.Database.[|ExecuteSqlInterpolatedAsync|]($"UPDATE Groups SET UpdatedAt = NOW() WHERE Id = {membership.GroupId}");
                }
            }
            """));

    [Fact]
    public Task WhileLoopOverEnumerator_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(List<Post> posts)
            {
                var e = posts.GetEnumerator();
                while (e.MoveNext())
                {
                    e.Current.Group.UpdatedAt = DateTime.UtcNow;
                    db.Posts.Remove(e.Current);
                    db.[|SaveChanges|]();
                }
            }
            """));

    [Fact]
    public Task InterceptorExecuteUpdatePerEntry_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.WithoutBookkeeping, Usings + """
            namespace Incident;
            public sealed class CountPosts : SaveChangesInterceptor
            {
                public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
                {
                    var db = (IncidentContext)eventData.Context!;
                    foreach (var entry in db.ChangeTracker.Entries<Post>().Where(e => e.State == EntityState.Deleted).ToList())
                    {
                        var post = entry.Entity;
                        db.Groups.Where(g => g.Id == post.GroupId).[|ExecuteUpdate|](s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1));
                    }

                    return result;
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task ModelSplitOverFiles_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(
            Usings + "namespace Split; public class Group { public long Id { get; set; } public int PostsCount { get; set; } public List<Post> Posts { get; set; } = new(); }",
            Usings + "namespace Split; public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }",
            Usings + "namespace Split; public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }",
            Usings + """
            namespace Split;
            public static class Cleanup
            {
                public static void Remove(Db db, Group group)
                {
                    foreach (var post in group.Posts) { group.PostsCount--; db.Remove(post); db.[|SaveChanges|](); }
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task NestedLoop_InnerOverPosts_IsReported()
        => Verify.VerifyAsync(Service("""
            public void Remove(List<Group> groups)
            {
                foreach (var group in groups)
                {
                    foreach (var post in group.Posts)
                    {
                        post.Group.PostsCount--;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """));

    // ---- quiet ----

    [Fact]
    public Task WithoutEfCore_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase("class C { void M(int[] xs) { foreach (var x in xs) { Save(); } } void Save() { } }") { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task BookkeepingLoopInsideSaveChangesOverride_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.Plain) { IncludePrelude = false });

    [Fact]
    public Task ParentWrittenOnceAfterTheLoop_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Remove(Group group)
            {
                foreach (var post in group.Posts.ToList())
                {
                    group.PostsCount--;
                    db.Posts.Remove(post);
                }

                group.UpdatedAt = DateTime.UtcNow;
                db.SaveChanges();
                db.Groups.Where(g => g.Id == group.Id).ExecuteUpdate(s => s.SetProperty(g => g.PostsCount, 0));
            }
            """));

    [Fact]
    public Task TrackedBookkeepingWithoutSaveInTheLoop_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Move(List<Post> posts, Group target)
            {
                foreach (var post in posts) { post.Group.PostsCount--; target.PostsCount++; post.Group = target; }
            }
            """));

    [Fact]
    public Task AuditLoopStampingEachSavedEntity_IsQuiet()
        => Verify.VerifyAsync(Usings + """
            namespace Audit;
            public class Note { public long Id { get; set; } public DateTime UpdatedAt { get; set; } }
            public class Db : DbContext
            {
                public DbSet<Note> Notes => Set<Note>();
                public override int SaveChanges()
                {
                    foreach (var entry in ChangeTracker.Entries<Note>()) { entry.Entity.UpdatedAt = DateTime.UtcNow; }
                    return base.SaveChanges();
                }
            }
            """);

    [Fact]
    public Task SaveChangesPerIteration_WithoutBookkeeping_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Retitle(List<Post> posts)
            {
                foreach (var post in posts) { post.Title = post.Title.Trim(); db.SaveChanges(); }
            }
            """));

    [Fact]
    public Task ExecuteUpdateOnTheChildren_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Retitle(List<Group> groups)
            {
                foreach (var group in groups) { db.Posts.Where(p => p.GroupId == group.Id).ExecuteUpdate(s => s.SetProperty(p => p.Title, "")); }
            }
            """));

    [Fact]
    public Task LoopOverParents_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Recount(List<Group> groups)
            {
                foreach (var group in groups) { group.PostsCount = group.Posts.Count; db.SaveChanges(); }
            }
            """));

    [Fact]
    public Task LoopOverUnmappedDtos_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public sealed record PostDto(long GroupId);
            public void Remove(List<PostDto> posts)
            {
                foreach (var post in posts) { db.Database.ExecuteSqlRaw("UPDATE audit SET n = n + 1 WHERE id = {0}", post.GroupId); }
            }
            """));

    [Fact]
    public Task RawSqlNotOnTheParent_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public void Remove(List<Post> posts)
            {
                foreach (var post in posts) { db.Database.ExecuteSqlRaw("DELETE FROM posts WHERE id = {0}", post.Id); }
            }
            """));

    [Fact]
    public Task SaveChangesInLambdaCalledLater_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public List<Action> Plan(List<Post> posts)
            {
                var actions = new List<Action>();
                foreach (var post in posts) { post.Group.PostsCount--; }
                actions.Add(() => db.SaveChanges());
                return actions;
            }
            """));

    [Fact]
    public Task GeneratedCode_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.WithoutBookkeeping, Usings + """
            namespace Incident;
            public static class Generated { public static void Remove(IncidentContext db, List<Post> posts) { foreach (var post in posts) { post.Group.PostsCount--; db.SaveChanges(); } } }
            """) { IncludePrelude = false, DocumentName = i => i == 0 ? "Model.cs" : "Cleanup.g.cs" });

    [Fact]
    public Task HalfTypedCode_DoesNotThrow()
        => Verify.VerifyAsync(Service("""
            public void Remove(List<Post> posts)
            {
                foreach (var post in {|CS0103:postz|}) { post.Group.PostsCount--; db.SaveChanges(); }
                foreach (var post in posts) { post.{|CS1061:Grp|}.PostsCount--; db.{|CS1061:SaveChangez|}(); }
            }
            """));
}
