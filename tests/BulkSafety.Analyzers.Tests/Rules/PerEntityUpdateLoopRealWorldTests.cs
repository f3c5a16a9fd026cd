using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.PerEntityUpdateLoopAnalyzer>;
using VerifyFix = BulkSafety.Analyzers.Tests.Verification.CodeFixVerifier<BulkSafety.Analyzers.Rules.PerEntityUpdateLoopAnalyzer, BulkSafety.CodeFixes.Rules.PerEntityUpdateLoopCodeFix>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS1003 when the loop marks each entity updated, directly or through a repository.</summary>
public sealed class PerEntityUpdateLoopRealWorldTests
{
    [Fact]
    public Task AssignThenUpdateThroughEfOrARepository_Reports()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Moderation
            {
                void Run(AppDbContext db, IRepository<Post> posts)
                {
                    [|foreach|] (var post in db.Posts.Where(p => p.Score < 0))
                    {
                        post.IsSpam = true;
                        db.Update(post);
                    }

                    [|foreach|] (var post in db.Posts.Where(p => p.Score < -10))
                    {
                        post.IsSpam = true;
                        posts.Update(post);
                    }
                }
            }
            """);

    [Fact]
    public Task UpdateOfSomethingElseOrThroughALookalike_IsQuiet()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Moderation
            {
                void Run(AppDbContext db, Outbox outbox, Post other)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0))
                    {
                        post.IsSpam = true;
                        outbox.Update(post);
                    }

                    foreach (var post in db.Posts.Where(p => p.Score < -10))
                    {
                        post.IsSpam = true;
                        db.Update(other);
                    }
                }
            }
            """);

    [Fact]
    public Task UpdateThroughARepository_OffersNoRewrite()
        => VerifyFix.VerifyNoFixAsync(Wrappers.Source + """
            class Moderation
            {
                void Run(AppDbContext db, IRepository<Post> posts)
                {
                    [|foreach|] (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                        posts.Update(post);
                    }
                }
            }
            """);

    // Declared here, implemented in another assembly: what ListAsync and UpdateAsync run is known only by their names.
    private const string ExternalRepository = """
        public interface IPostRepository
        {
            Task<List<Post>> ListAsync(CancellationToken ct = default);
            Task UpdateAsync(Post post, CancellationToken ct = default);
        }

        """;

    private const string MarkEveryPost = """
        class Moderation
        {
            async Task Run(IPostRepository posts, CancellationToken ct)
            {
                [|foreach|] (var post in await posts.ListAsync(ct))
                {
                    post.IsSpam = true;
                    await posts.UpdateAsync(post, ct);
                }
            }
        }
        """;

    [Fact]
    public Task UpdateThroughARepositoryOfAnotherAssemblyOverItsWholeSet_Reports_AndOffersNoRewrite()
        => VerifyFix.VerifyNoFixAsync(ExternalRepository + MarkEveryPost);

    [Fact]
    public Task UpdateThroughARepositoryOfAnotherAssembly_WithConventionsOff_IsQuiet()
        => Verify.VerifyAsync(ExternalRepository + MarkEveryPost.Replace("[|foreach|]", "foreach"), "dotnet_code_quality.wrapper_conventions = false");
}
