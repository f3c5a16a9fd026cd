using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.SaveChangesInLoopAnalyzer>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS1002 through the unit-of-work and repository wrappers real applications save with, and through the EF mapping's keys.</summary>
public sealed class SaveChangesInLoopRealWorldTests
{
    [Fact]
    public Task CommitOfAUnitOfWorkPerEntity_Reports()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Moderation
            {
                async Task Run(AppDbContext db, IUnitOfWork unitOfWork, CancellationToken ct)
                {
                    foreach (var post in await db.Posts.Where(p => p.Score < 0).ToListAsync(ct))
                    {
                        post.IsSpam = true;
                        await unitOfWork.[|CommitAsync|](ct);
                    }
                }
            }
            """);

    [Fact]
    public Task ChangesThroughARepository_SavedPerEntity_Report()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Import
            {
                async Task Run(IRepository<Post> posts, UnitOfWork unitOfWork, IEnumerable<Post> incoming)
                {
                    foreach (var post in incoming)
                    {
                        posts.Update(post);
                        await unitOfWork.[|CommitAsync|]();
                    }
                }
            }
            """);

    [Fact]
    public Task LookalikeCommitAndABoundedLoop_AreQuiet()
        => Verify.VerifyAsync(Wrappers.Source + """
            class Moderation
            {
                async Task Run(AppDbContext db, IUnitOfWork unitOfWork, Outbox outbox, IEnumerable<Post> incoming)
                {
                    foreach (var post in incoming)
                    {
                        outbox.Update(post);
                        await outbox.CommitAsync();
                    }

                    foreach (var post in db.Posts.Where(p => p.Score < 0).Take(50).ToList())
                    {
                        post.IsSpam = true;
                        await unitOfWork.CommitAsync();
                    }
                }
            }
            """);

    [Theory]
    [InlineData("dotnet_code_quality.save_methods = IExternalUnitOfWork.Complete", true)]
    [InlineData("dotnet_code_quality.BS1002.save_methods = IExternalUnitOfWork.Complete", true)]
    [InlineData("dotnet_code_quality.BS1001.save_methods = IExternalUnitOfWork.Complete", false)]
    [InlineData(null, false)]
    public Task SaveThroughAWrapperNamedInEditorConfig_Reports(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            $$"""
            // Implemented in another assembly.
            public interface IExternalUnitOfWork { int Complete(); }

            class Moderation
            {
                void Run(AppDbContext db, IExternalUnitOfWork unitOfWork)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                        unitOfWork.{{(reported ? "[|Complete|]" : "Complete")}}();
                    }
                }
            }
            """,
            editorConfig);

    [Fact]
    public Task LoopOverAConfiguredKeyFilter_IsQuiet_AndOverANonKey_Reports()
        => Verify.VerifyAsync("""
            public class Voucher { public long Id { get; set; } public string Code { get; set; } = ""; public bool Used { get; set; } }
            public class ShopContext : DbContext
            {
                public DbSet<Voucher> Vouchers => Set<Voucher>();
                protected override void OnModelCreating(ModelBuilder b) => b.Entity<Voucher>().HasKey(v => v.Code);
            }

            class Redemption
            {
                void Run(ShopContext db, string code, long id)
                {
                    foreach (var voucher in db.Vouchers.Where(v => v.Code == code).ToList())
                    {
                        voucher.Used = true;
                        db.SaveChanges();
                    }

                    foreach (var voucher in db.Vouchers.Where(v => v.Id > id).ToList())
                    {
                        voucher.Used = true;
                        db.[|SaveChanges|]();
                    }
                }
            }
            """);
}
