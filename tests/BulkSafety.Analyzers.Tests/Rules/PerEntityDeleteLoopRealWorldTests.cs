using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.PerEntityDeleteLoopAnalyzer>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>
/// BS1001 on the shapes real applications use: keys the EF model configures (<c>HasKey</c>, <c>[Key]</c> on a non-Id
/// property, composite keys, unique indexes), bounds written as literal lists and options, query syntax, and the large
/// sets that must still be reported.
/// </summary>
public sealed class PerEntityDeleteLoopRealWorldTests
{
    // A shop whose keys are not EF's Id convention: each entity's key comes from the mapping.
    private const string Shop = """
        public class Coupon { public long Id { get; set; } public string Code { get; set; } = ""; public string Campaign { get; set; } = ""; }
        public class Product { [System.ComponentModel.DataAnnotations.Key] public string Sku { get; set; } = ""; public string Category { get; set; } = ""; }
        public class UserItem { public long ItemId { get; set; } public long UserId { get; set; } public int Plays { get; set; } }
        public class Account { public long Id { get; set; } public string Email { get; set; } = ""; public string Country { get; set; } = ""; }
        public class ShopContext : DbContext
        {
            public DbSet<Coupon> Coupons => Set<Coupon>();
            public DbSet<Product> Products => Set<Product>();
            public DbSet<UserItem> UserItems => Set<UserItem>();
            public DbSet<Account> Accounts => Set<Account>();

            protected override void OnModelCreating(ModelBuilder b)
            {
                b.Entity<Coupon>().HasKey(c => c.Code);
                b.Entity<UserItem>().HasKey(x => new { x.ItemId, x.UserId });
                b.Entity<Account>().HasIndex(a => a.Email).IsUnique();
                b.Entity<Account>().HasIndex(a => a.Country);
            }
        }
        """;

    [Theory]
    [InlineData("db.Coupons.Where(c => c.Code == code)")]
    [InlineData("db.Products.Where(p => p.Sku == code)")]
    [InlineData("db.UserItems.Where(x => x.ItemId == id && x.UserId == id)")]
    [InlineData("db.Accounts.Where(a => a.Email == code)")]
    public Task FilterOnAKeyTheModelConfigures_IsQuiet(string query)
        => Verify.VerifyAsync(Shop + $$"""
            class Cleanup
            {
                void Run(ShopContext db, string code, long id)
                {
                    foreach (var row in {{query}}.ToList())
                        db.Remove(row);
                }
            }
            """);

    [Theory]
    [InlineData("db.Coupons.Where(c => c.Campaign == code)")]
    [InlineData("db.Coupons.Where(c => c.Id == id)")]
    [InlineData("db.Products.Where(p => p.Category == code)")]
    [InlineData("db.UserItems.Where(x => x.UserId == id)")]
    [InlineData("db.Accounts.Where(a => a.Country == code)")]
    [InlineData("db.Accounts.Where(a => a.Email == code || a.Country == code)")]
    public Task FilterOnAPropertyThatIsNotAKey_Reports(string query)
        => Verify.VerifyAsync(Shop + $$"""
            class Cleanup
            {
                void Run(ShopContext db, string code, long id)
                {
                    foreach (var row in {{query}}.ToList())
                        db.[|Remove|](row);
                }
            }
            """);

    [Fact]
    public Task ContainsOverAShortLiteralListOfKeys_IsQuiet()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                private static readonly long[] Fixtures = { 1, 2, 3 };

                void Run(AppDbContext db)
                {
                    foreach (var g in db.Groups.Where(g => new[] { 10L, 11L }.Contains(g.Id)).ToList())
                        db.Groups.Remove(g);
                    db.Groups.RemoveRange(db.Groups.Where(g => Fixtures.Contains(g.Id)));
                    var ids = new List<long> { 4, 5 };
                    foreach (var g in db.Groups.Where(g => ids.Contains(g.Id) && g.IsSpam).ToList())
                        db.Groups.Remove(g);
                }
            }
            """);

    [Fact]
    public Task ContainsOverCallerIdsOrOverANonKey_Reports()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, IReadOnlyCollection<long> ids)
                {
                    foreach (var g in db.Groups.Where(g => ids.Contains(g.Id)).ToList())
                        db.Groups.[|Remove|](g);
                    db.Posts.[|RemoveRange|](db.Posts.Where(p => new[] { "spam", "scam" }.Contains(p.Title)));
                }
            }
            """);

    [Fact]
    public Task EveryRowMatchingADateFilter_Reports()
        => Verify.VerifyAsync("""
            class Retention
            {
                async Task Run(AppDbContext db, DateTime cutoff, CancellationToken ct)
                {
                    foreach (var p in await db.Posts.Where(p => p.CreatedAt < cutoff).ToListAsync(ct))
                        db.Posts.[|Remove|](p);
                    await db.SaveChangesAsync(ct);
                }
            }
            """);

    [Fact]
    public Task CallerSuppliedEntities_Report()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, IEnumerable<Post> posts)
                {
                    foreach (var p in posts)
                        db.[|Remove|](p);
                }
            }
            """);

    [Theory]
    [InlineData("dotnet_code_quality.small_navigations = Group.Memberships", false)]
    [InlineData("dotnet_code_quality.BS1001.small_navigations = App.Group.Memberships, Order.Lines", false)]
    [InlineData("dotnet_code_quality.small_navigations = Group.Posts", true)]
    [InlineData(null, true)]
    public Task NavigationSmallByConfiguration_IsQuiet(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            $$"""
            class Leave
            {
                void Run(AppDbContext db, Group group)
                {
                    foreach (var m in group.Memberships)
                        db.{{(reported ? "[|Remove|]" : "Remove")}}(m);
                }
            }
            """,
            editorConfig);

    [Fact]
    public Task QuerySyntax_IsReadLikeMethodSyntax()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                void Run(AppDbContext db, long id)
                {
                    var spam = from g in db.Groups where g.IsSpam select g;
                    db.Groups.[|RemoveRange|](spam);
                    foreach (var g in (from g in db.Groups select g).ToList())
                        db.Groups.[|Remove|](g);
                    foreach (var g in (from g in db.Groups where g.Id == id select g).ToList())
                        db.Groups.Remove(g);
                }
            }
            """);

    [Fact]
    public Task ForEachAsyncAndAwaitForEachOverAQuery_Report()
        => Verify.VerifyAsync("""
            class Cleanup
            {
                async Task Run(AppDbContext db, CancellationToken ct)
                {
                    await db.Posts.Where(p => p.IsSpam).ForEachAsync(p => db.[|Remove|](p), ct);
                    await foreach (var p in db.Posts.Where(p => p.Score < 0).AsAsyncEnumerable())
                        db.Posts.[|Remove|](p);
                }
            }
            """);

    [Theory]
    [InlineData("IRepository<Post> posts")]
    [InlineData("Repository<Post> posts")]
    public Task RemoveThroughARepositoryInTheCompilation_Reports(string repository)
        => Verify.VerifyAsync(Wrappers.Source + $$"""
            class Cleanup
            {
                void Run({{repository}}, Group group)
                {
                    foreach (var post in group.Posts)
                        posts.[|Remove|](post);
                }
            }
            """);

    [Fact]
    public Task DeleteByIdThroughARepository_Reports_AndRemoveRangeOfAQuery_Reports()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Cleanup
            {
                async Task Run(AppDbContext db, IRepository<Group> groups, IEnumerable<long> spamGroupIds)
                {
                    foreach (var id in spamGroupIds)
                        await groups.[|DeleteAsync|](id);
                    groups.[|RemoveRange|](db.Groups.Where(g => g.IsSpam));
                }
            }
            """);

    [Fact]
    public async Task DeleteByIdThroughARepository_MessageNamesTheRepositorysEntity()
    {
        var diagnostics = await Verify.VerifyAndGetDiagnosticsAsync(new AnalyzerTestCase(Wrappers.Source + """
            class Cleanup
            {
                async Task Run(IRepository<Group> groups, IEnumerable<long> spamGroupIds)
                {
                    foreach (var id in spamGroupIds)
                        await groups.[|DeleteAsync|](id);
                }
            }
            """));

        Assert.StartsWith(
            "'DeleteAsync' deletes Group entities one at a time over the caller-supplied collection 'spamGroupIds'.",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    [Fact]
    public Task WrappersOverSmallSetsAndLookalikesThatDoNotForward_AreQuiet()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Cleanup
            {
                void Run(AppDbContext db, IRepository<Post> posts, Outbox outbox, Group group)
                {
                    foreach (var post in db.Posts.Where(p => p.IsSpam).Take(100).ToList())
                        posts.Remove(post);
                    foreach (var post in group.Posts)
                        outbox.Remove(post);
                    posts.RemoveRange(db.Posts.Take(10));
                }
            }
            """);

    [Theory]
    [InlineData("dotnet_code_quality.remove_methods = IExternalRepository.Purge", true)]
    [InlineData("dotnet_code_quality.BS1001.remove_methods = Shared.Data.IExternalRepository.Purge", true)]
    [InlineData("dotnet_code_quality.remove_methods = Other.Purge", false)]
    [InlineData(null, false)]
    public Task RemoveThroughAWrapperNamedInEditorConfig_Reports(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            $$"""
            namespace Shared.Data
            {
                // Declared here, implemented in another assembly: only configuration can say what Purge does.
                public interface IExternalRepository { void Purge(Post post); }
            }

            class Cleanup
            {
                void Run(Shared.Data.IExternalRepository repository, Group group)
                {
                    foreach (var post in group.Posts)
                        repository.{{(reported ? "[|Purge|]" : "Purge")}}(post);
                }
            }
            """,
            editorConfig);

    // A repository of an Infrastructure project, seen from an App project: declared, its bodies in another assembly.
    private const string ExternalRepository = """
        namespace Shared.Data
        {
            public interface IRepositoryBase<T> where T : class
            {
                Task<List<T>> ListAsync(CancellationToken ct = default);
                Task DeleteAsync(T entity, CancellationToken ct = default);
                Task DeleteByIdAsync(long id, CancellationToken ct = default);
            }
            public interface IPostRepository : IRepositoryBase<Post> { }
        }

        """;

    [Theory]
    [InlineData(null, true)]
    [InlineData("dotnet_code_quality.wrapper_conventions = false", false)]
    [InlineData("dotnet_code_quality.BS1001.remove_methods = !IRepositoryBase.DeleteAsync", false)]
    public Task DeleteThroughARepositoryOfAnotherAssembly_ReportsByItsName_UnlessTurnedOff(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            ExternalRepository + $$"""
            class Cleanup
            {
                async Task Run(Shared.Data.IPostRepository posts, CancellationToken ct)
                {
                    foreach (var post in await posts.ListAsync(ct))
                        await posts.{{(reported ? "[|DeleteAsync|]" : "DeleteAsync")}}(post, ct);
                }
            }
            """,
            editorConfig);

    [Fact]
    public Task DeleteByIdThroughARepositoryOfAnotherAssembly_OverCallerIds_Reports_OverALiteralList_IsQuiet()
        => Verify.VerifyAsync(ExternalRepository + """
            class Cleanup
            {
                async Task Run(Shared.Data.IPostRepository posts, IEnumerable<long> spamIds, CancellationToken ct)
                {
                    foreach (var id in spamIds)
                        await posts.[|DeleteByIdAsync|](id, ct);
                    foreach (var id in new long[] { 1, 2, 3 })
                        await posts.DeleteByIdAsync(id, ct);
                    foreach (var post in (await posts.ListAsync(ct)).Take(10))
                        await posts.DeleteAsync(post, ct);
                }
            }
            """);

    [Fact]
    public Task RepositoryNamedMethodWhoseBodyIsInTheCompilation_IsJudgedByItsBody()
        => Verify.VerifyAsync("""
            public interface ICacheRepository { void Remove(Post post); }
            public sealed class MemoryCacheRepository : ICacheRepository
            {
                private readonly HashSet<Post> cached = new();
                public void Remove(Post post) => cached.Remove(post);
            }

            class Cleanup
            {
                void Run(ICacheRepository cache, Group group)
                {
                    foreach (var post in group.Posts)
                        cache.Remove(post);
                }
            }
            """);

    [Fact]
    public Task HelperThatRemoves_Reports_HelperOfAHelper_IsNotFollowed()
        => Verify.VerifyAsync(ExternalRepository + """
            class Cleanup(AppDbContext db, Shared.Data.IPostRepository posts)
            {
                void Discard(Post post) => db.Posts.Remove(post);
                Task DiscardThroughTheRepository(Post post) => posts.DeleteAsync(post);
                void DiscardLater(Post post) => Discard(post);

                async Task Run(Group group)
                {
                    foreach (var post in group.Posts)
                        [|Discard|](post);
                    foreach (var post in group.Posts)
                        await [|DiscardThroughTheRepository|](post);
                    foreach (var post in group.Posts)
                        DiscardLater(post);
                }
            }
            """);
}
