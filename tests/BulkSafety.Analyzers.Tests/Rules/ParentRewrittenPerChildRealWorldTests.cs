using BulkSafety.Analyzers.Tests.Model;
using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.ParentRewrittenPerChildAnalyzer>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS2002 through the wrappers a layered application writes the parent with: a unit of work's commit, a repository's bulk update.</summary>
public sealed class ParentRewrittenPerChildRealWorldTests
{
    private const string Wrappers = IncidentModel.Usings + """
        namespace Incident;
        public interface IUnitOfWork { Task CommitAsync(CancellationToken ct = default); }
        public sealed class UnitOfWork(IncidentContext db) : IUnitOfWork
        {
            public Task CommitAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);
        }
        public sealed class GroupCounters(IncidentContext db)
        {
            public Task DecrementPostsAsync(long groupId, CancellationToken ct)
                => db.Groups.Where(g => g.Id == groupId).ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), ct);
            public Task RenameAsync(long groupId, string name, CancellationToken ct)
                => db.Groups.Where(g => g.Id == groupId).ExecuteUpdateAsync(s => s.SetProperty(g => g.Name, name), ct);
        }
        """;

    private static AnalyzerTestCase Service(string code)
        => new(IncidentModel.WithoutBookkeeping, Wrappers, IncidentModel.Usings + """
            namespace Incident;
            public sealed class Cleanup(IncidentContext db, IUnitOfWork unitOfWork, GroupCounters counters)
            {
                CODE
            }
            """.Replace("CODE", code, StringComparison.Ordinal)) { IncludePrelude = false };

    [Fact]
    public Task CommitThroughAUnitOfWorkAfterACounterPerPost_IsReported()
        => Verify.VerifyAsync(Service("""
            public async Task RemoveAsync(List<Post> posts, CancellationToken ct)
            {
                foreach (var post in posts)
                {
                    post.Group.PostsCount--;
                    db.Posts.Remove(post);
                    await unitOfWork.[|CommitAsync|](ct);
                }
            }
            """));

    [Fact]
    public Task BulkCounterUpdateThroughAWrapperPerPost_IsReported()
        => Verify.VerifyAsync(Service("""
            public async Task RemoveAsync(List<Post> posts, CancellationToken ct)
            {
                foreach (var post in posts)
                {
                    await counters.[|DecrementPostsAsync|](post.GroupId, ct);
                }
            }
            """));

    [Fact]
    public Task WrapperThatWritesNoBookkeeping_OrACommitAfterTheLoop_IsQuiet()
        => Verify.VerifyAsync(Service("""
            public async Task RemoveAsync(List<Post> posts, CancellationToken ct)
            {
                foreach (var post in posts)
                {
                    await counters.RenameAsync(post.GroupId, "archived", ct);
                    post.Group.PostsCount--;
                    db.Posts.Remove(post);
                }

                await unitOfWork.CommitAsync(ct);
            }
            """));
}
