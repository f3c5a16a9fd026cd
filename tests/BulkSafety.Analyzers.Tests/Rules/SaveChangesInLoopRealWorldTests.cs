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
    [InlineData("dotnet_code_quality.save_methods = IExternalSession.Complete", true)]
    [InlineData("dotnet_code_quality.BS1002.save_methods = IExternalSession.Complete", true)]
    [InlineData("dotnet_code_quality.BS1001.save_methods = IExternalSession.Complete", false)]
    [InlineData(null, false)]
    public Task SaveThroughAWrapperNamedInEditorConfig_Reports(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            $$"""
            // Implemented in another assembly, and named like neither a unit of work nor a repository: only configuration
            // says that Complete saves.
            public interface IExternalSession { int Complete(); }

            class Moderation
            {
                void Run(AppDbContext db, IExternalSession session)
                {
                    foreach (var post in db.Posts.Where(p => p.Score < 0).ToList())
                    {
                        post.IsSpam = true;
                        session.{{(reported ? "[|Complete|]" : "Complete")}}();
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

    [Theory]
    [InlineData(null, true)]
    [InlineData("dotnet_code_quality.wrapper_conventions = false", false)]
    [InlineData("dotnet_code_quality.BS1002.save_methods = !IUnitOfWork.CommitAsync", false)]
    public Task CommitOfAUnitOfWorkOfAnotherAssembly_ReportsByItsName_UnlessTurnedOff(string? editorConfig, bool reported)
        => Verify.VerifyAsync(
            $$"""
            // Implemented in another assembly: the name says it is a unit of work's commit.
            public interface IUnitOfWork { Task CommitAsync(CancellationToken ct = default); }

            class Bookmarks
            {
                async Task Run(AppDbContext db, IUnitOfWork unitOfWork, CancellationToken ct)
                {
                    foreach (var post in await db.Posts.Where(p => p.Score < 0).ToListAsync(ct))
                    {
                        post.IsSpam = true;
                        await unitOfWork.{{(reported ? "[|CommitAsync|]" : "CommitAsync")}}(ct);
                    }
                }
            }
            """,
            editorConfig);

    [Fact]
    public Task CommitOfAnotherAssemblyOverABoundedLoop_OrOfATypeNamedLikeNoUnitOfWork_IsQuiet()
        => Verify.VerifyAsync("""
            public interface IUnitOfWork { Task CommitAsync(CancellationToken ct = default); }
            public interface IMessageBus { Task CommitAsync(CancellationToken ct = default); }

            class Bookmarks
            {
                async Task Run(AppDbContext db, IUnitOfWork unitOfWork, IMessageBus bus, CancellationToken ct)
                {
                    foreach (var post in await db.Posts.Where(p => p.Score < 0).Take(20).ToListAsync(ct))
                    {
                        post.IsSpam = true;
                        await unitOfWork.CommitAsync(ct);
                    }

                    foreach (var id in new long[] { 1, 2, 3 })
                    {
                        var post = await db.Posts.FindAsync(id);
                        post!.IsSpam = true;
                        await unitOfWork.CommitAsync(ct);
                    }

                    foreach (var post in await db.Posts.Where(p => p.Score < 0).ToListAsync(ct))
                    {
                        post.IsSpam = true;
                        await bus.CommitAsync(ct);
                    }
                }
            }
            """);

    [Fact]
    public Task DomainMethodThatChangesItsEntity_ThenASavePerElement_Reports_AMethodThatOnlyReads_IsQuiet()
        => Verify.VerifyAsync("""
            public class Signup
            {
                public long Id { get; set; }
                public bool Canceled { get; private set; }
                public void Cancel() => Canceled = true;
                public string Describe() => Canceled ? "canceled" : "active";
            }
            public class SignupContext : DbContext { public DbSet<Signup> Signups => Set<Signup>(); }

            class Unassign
            {
                void Run(SignupContext db, ILogger log)
                {
                    foreach (var signup in db.Signups.ToList())
                    {
                        signup.Cancel();
                        db.[|SaveChanges|]();
                    }

                    foreach (var signup in db.Signups.ToList())
                    {
                        log.Write(signup.Describe());
                        db.SaveChanges();
                    }
                }
            }
            public interface ILogger { void Write(string text); }
            """);
}
