using BulkSafety.Analyzers.Rules;
using BulkSafety.Analyzers.Tests.Verification;

namespace BulkSafety.Analyzers.Tests.Model;

/// <summary>
/// The incident model with its counter cache and touch declared through BulkSafety's model API
/// (<c>HasCounterCache</c>, <c>Touches</c>) instead of kept by hand: the runtime writes the group row once per
/// SaveChanges, so the rules about per-child bookkeeping stay quiet, and the unbounded columns are no longer on a row
/// rewritten per child (BS3002, not BS3001). The same model with the hand-written bookkeeping is reported by each rule.
/// </summary>
public sealed class DeclaredBookkeepingTests
{
    private const string Declared = """
        protected override void OnModelCreating(ModelBuilder modelBuilder)
                    => modelBuilder.Entity<Post>()
                        .HasCounterCache(p => p.Group, g => g.PostsCount)
                        .Touches(p => p.Group, g => g.UpdatedAt);

                private void KeepGroupBookkeeping() { }
        """;

    // A per-child loop that persists each child; with hand-written bookkeeping it rewrites the group per post.
    private const string Cleanup = IncidentModel.Usings + """
        namespace Incident;
        public sealed class Cleanup(IncidentContext db)
        {
            public void Remove(Group group)
            {
                foreach (var post in group.Posts.ToList())
                {
                    group.PostsCount--;
                    db.Posts.Remove(post);
                    db.SaveChanges();
                }
            }
        }
        """;

    private static AnalyzerTestCase Model(string model, params string[] more)
    {
        var testCase = new AnalyzerTestCase(model, "global using BulkSafety.Bookkeeping;") { IncludePrelude = false };
        testCase.Sources.AddRange(more);
        return testCase;
    }

    [Fact]
    public Task CascadeWriteAmplification_DeclaredBookkeeping_IsQuiet()
        => AnalyzerVerifier<CascadeWriteAmplificationAnalyzer>.VerifyAsync(Model(IncidentModel.With(bookkeeping: Declared)));

    [Fact]
    public Task CascadeWriteAmplification_HandWrittenBookkeeping_IsReported()
        => AnalyzerVerifier<CascadeWriteAmplificationAnalyzer>.VerifyAsync(Model(IncidentModel.With(posts: "[|Posts|]")));

    [Fact]
    public Task UnboundedColumn_DeclaredBookkeeping_IsNotAHotRow()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Model(IncidentModel.With("{|BS3002:Description|}", "{|BS3002:DescriptionHtml|}", "{|BS3002:Body|}", bookkeeping: Declared)));

    [Fact]
    public Task UnboundedColumn_HandWrittenBookkeeping_IsAHotRow()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Model(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "{|BS3002:Body|}")));

    [Fact]
    public Task ParentRewrittenPerChild_DeclaredBookkeeping_ReportsOnlyTheLoopsOwnWrite()
        => AnalyzerVerifier<ParentRewrittenPerChildAnalyzer>.VerifyAsync(Model(
            IncidentModel.With(bookkeeping: Declared),
            Cleanup.Replace("db.SaveChanges()", "db.[|SaveChanges|]()", StringComparison.Ordinal)));

    [Fact]
    public Task ParentRewrittenPerChild_DeclaredBookkeepingAndNoWriteOfTheParent_IsQuiet()
        => AnalyzerVerifier<ParentRewrittenPerChildAnalyzer>.VerifyAsync(Model(
            IncidentModel.With(bookkeeping: Declared),
            Cleanup.Replace("group.PostsCount--;", "", StringComparison.Ordinal)));
}
