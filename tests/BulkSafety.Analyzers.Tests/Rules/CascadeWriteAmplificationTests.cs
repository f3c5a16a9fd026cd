using BulkSafety.Analyzers.Tests.Model;
using BulkSafety.Analyzers.Tests.Verification;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.CascadeWriteAmplificationAnalyzer>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS2001: cascade delete whose dependents each rewrite the principal.</summary>
public sealed class CascadeWriteAmplificationTests
{
    private const string Usings = IncidentModel.Usings;

    // Group and Post with a counter; FK, NAV, CONFIG and BOOKKEEPING are the variations.
    private const string Model = Usings + """
        public class Group
        {
            public long Id { get; set; }
            public int PostsCount { get; set; }
            public DateTime UpdatedAt { get; set; }
            public List<Post> NAV { get; set; } = new();
        }
        public class Post { public long Id { get; set; } public FK GroupId { get; set; } public Group GROUP Group { get; set; } = null!; public DateTime CreatedAt { get; set; } }
        public class Db : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            protected override void OnModelCreating(ModelBuilder b) { CONFIG }
        }
        BOOKKEEPING
        """;

    private const string Decrement = "public static class Rules { public static void Remove(Post post) => post.Group.PostsCount--; }";

    private static AnalyzerTestCase Case(string bookkeeping = Decrement, string config = "", string nav = "[|Posts|]", string fk = "long", string nullable = "", params string[] more)
    {
        var source = Model.Replace("BOOKKEEPING", bookkeeping, StringComparison.Ordinal).Replace("CONFIG", config, StringComparison.Ordinal)
            .Replace("NAV", nav, StringComparison.Ordinal).Replace("FK", fk, StringComparison.Ordinal).Replace("GROUP ", nullable, StringComparison.Ordinal);
        var testCase = new AnalyzerTestCase(source) { IncludePrelude = false };
        testCase.Sources.AddRange(more);
        return testCase;
    }

    // ---- reported ----

    [Fact]
    public Task IncidentModel_ReportsTheConventionRelationshipOnTheNavigation()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.With(posts: "[|Posts|]")) { IncludePrelude = false });

    [Fact]
    public async Task IncidentModel_MessageNamesPrincipalDependentRewritesAndUnboundedColumns()
    {
        var diagnostic = Assert.Single(await Verify.GetDiagnosticsAsync(new AnalyzerTestCase(IncidentModel.Plain) { IncludePrelude = false }));
        Assert.Equal(
            "Deleting a Group deletes its Posts one by one and each Post rewrites Group (PostsCount, UpdatedAt; Description and DescriptionHtml are unbounded): "
            + "up to 2N+1 writes of one wide row. Skip the bookkeeping for a Group that is being deleted, or delete its Posts set-based first.",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CounterOnly_IsNPlusOneOfARow()
    {
        var diagnostic = Assert.Single(await Verify.GetDiagnosticsAsync(Case()));
        Assert.Contains("(PostsCount): up to N+1 writes of one row.", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public Task FluentHasMany_IsReportedOnHasMany()
        => Verify.VerifyAsync(Case(nav: "Posts", config: "b.Entity<Group>().[|HasMany|](g => g.Posts).WithOne(p => p.Group).HasForeignKey(p => p.GroupId);"));

    [Fact]
    public Task ConfigurationClassHasOne_IsReportedOnHasOne()
        => Verify.VerifyAsync(Case(nav: "Posts", config: "b.ApplyConfiguration(new PostConfiguration());", more: Usings + """
            public sealed class PostConfiguration : IEntityTypeConfiguration<Post>
            {
                public void Configure(EntityTypeBuilder<Post> post) => post.[|HasOne|](p => p.Group).WithMany(g => g.Posts).IsRequired();
            }
            """));

    [Fact]
    public Task ModelSplitOverFiles_IsReportedWhereTheNavigationIsDeclared()
        => Verify.VerifyAsync(new AnalyzerTestCase(
            Usings + "namespace Split; public class Group { public long Id { get; set; } public int PostsCount { get; set; } public List<Post> [|Posts|] { get; set; } = new(); }",
            Usings + "namespace Split; public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }",
            Usings + "namespace Split; public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }",
            Usings + "namespace Split; public static class Rules { public static void Remove(Post post) { var group = post.Group; group.PostsCount = group.PostsCount - 1; } }") { IncludePrelude = false });

    [Fact]
    public Task InterceptorTouch_IsReported()
        => Verify.VerifyAsync(Case(bookkeeping: """
            public sealed class TouchGroups : SaveChangesInterceptor
            {
                public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
                {
                    var clock = TimeProvider.System;
                    foreach (var entry in eventData.Context!.ChangeTracker.Entries<Post>()) { entry.Entity.Group.UpdatedAt = clock.GetUtcNow().UtcDateTime; }
                    return result;
                }
            }
            """));

    [Fact]
    public Task EntityMethodOfTheDependent_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Group { public long Id { get; set; } public int PostsCount { get; set; } public List<Post> [|Posts|] { get; set; } = new(); }
            public class Post
            {
                public long Id { get; set; }
                public long GroupId { get; set; }
                public Group Group { get; set; } = null!;
                public void Detach() => Group.PostsCount -= 1;
            }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            """) { IncludePrelude = false });

    [Fact]
    public Task ExecuteUpdatePerDependent_IsReported()
        => Verify.VerifyAsync(Case(bookkeeping: """
            public sealed class Posts(Db db)
            {
                public Task RemoveAsync(Post post, CancellationToken ct)
                    => db.Groups.Where(g => g.Id == post.GroupId).ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), ct);
            }
            """));

    [Fact]
    public Task RawSqlPerDependent_IsReported()
        => Verify.VerifyAsync(Case(bookkeeping: """
            public sealed class Posts(Db db)
            {
                public void Remove(Post post) => db.Database.ExecuteSqlRaw("UPDATE \"Groups\" SET \"PostsCount\" = \"PostsCount\" - 1 WHERE \"Id\" = {0}", post.GroupId);
            }
            """));

    [Fact]
    public Task PrincipalMethodTakingTheDependent_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Group
            {
                public long Id { get; set; }
                public DateTime UpdatedAt { get; set; }
                public List<Post> [|Posts|] { get; set; } = new();
                public void Add(Post post) { Posts.Add(post); UpdatedAt = DateTime.Now; }
            }
            public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            """) { IncludePrelude = false });

    [Fact]
    public Task ReferenceNavigationOnly_IsReportedOnIt()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Group { public long Id { get; set; } public int PostsCount { get; set; } }
            public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group [|Group|] { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Post> Posts => Set<Post>(); }
            public static class Rules { public static void Remove(Post post) => post.Group.PostsCount--; }
            """) { IncludePrelude = false });

    [Theory]
    [InlineData("Cascade")]
    [InlineData("ClientCascade")]
    public Task OptionalRelationshipConfiguredToCascade_IsReported(string behavior)
        => Verify.VerifyAsync(Case(nav: "Posts", fk: "long?", nullable: "? ", config: $"b.Entity<Post>().[|HasOne|](p => p.Group).WithMany(g => g.Posts).OnDelete(DeleteBehavior.{behavior});"));

    [Fact]
    public Task DeleteBehaviorAttribute_IsRead()
        => Verify.VerifyAsync(Case(nav: "[|Posts|]", fk: "long?", nullable: "? ").Sources[0]
            .Replace("public Group ? Group", "[DeleteBehavior(DeleteBehavior.Cascade)] public Group? Group", StringComparison.Ordinal) is var source
            ? new AnalyzerTestCase(source) { IncludePrelude = false }
            : throw new InvalidOperationException());

    [Fact]
    public Task TphDerivedPrincipal_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public abstract class Group { public long Id { get; set; } }
            public class Forum : Group { public int PostsCount { get; set; } public List<Post> [|Posts|] { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long ForumId { get; set; } public Forum Forum { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); public DbSet<Forum> Forums => Set<Forum>(); }
            public static class Rules { public static void Remove(Post post) => post.Forum.PostsCount--; }
            """) { IncludePrelude = false });

    // ---- quiet ----

    [Fact]
    public Task WithoutEfCore_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase("public class Group { public int PostsCount; } public class Post { public Group Group = new(); void M() => Group.PostsCount--; }") { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task SharedPreludeModel_WithoutBookkeeping_IsQuiet()
        => Verify.VerifyAsync("class C { void M(Post post) { post.Score++; } }");

    [Theory]
    [InlineData("Restrict")]
    [InlineData("SetNull")]
    [InlineData("NoAction")]
    [InlineData("ClientSetNull")]
    public Task NonCascadingDeleteBehavior_IsQuiet(string behavior)
        => Verify.VerifyAsync(Case(nav: "Posts", config: $"b.Entity<Group>().HasMany(g => g.Posts).WithOne(p => p.Group).OnDelete(DeleteBehavior.{behavior});"));

    [Theory]
    [InlineData("foreach (var fk in b.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys())) fk.DeleteBehavior = DeleteBehavior.Restrict;")]
    [InlineData("var cascades = b.Model.GetEntityTypes().SelectMany(t => t.GetForeignKeys()).Where(fk => !fk.IsOwnership && fk.DeleteBehavior == DeleteBehavior.Cascade); foreach (var fk in cascades) { fk.DeleteBehavior = DeleteBehavior.NoAction; }")]
    [InlineData("foreach (var entity in b.Model.GetEntityTypes()) { foreach (var fk in entity.GetForeignKeys()) { fk.DeleteBehavior = DeleteBehavior.ClientSetNull; } }")]
    public Task ConventionLoopOverForeignKeys_ThatStopsCascades_IsQuiet(string loop)
        => Verify.VerifyAsync(Case(nav: "Posts", config: loop));

    [Fact]
    public Task ConventionLoopOverForeignKeys_ARelationshipConfiguredToCascade_IsStillReported()
        => Verify.VerifyAsync(Case(nav: "Posts", config: """
            foreach (var fk in b.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys())) fk.DeleteBehavior = DeleteBehavior.Restrict;
            b.Entity<Group>().[|HasMany|](g => g.Posts).WithOne(p => p.Group).OnDelete(DeleteBehavior.Cascade);
            """));

    [Fact]
    public Task ConventionLoopOverForeignKeys_InAHelperTakingTheBuilder_IsRead()
        => Verify.VerifyAsync(Case(nav: "Posts", config: "Conventions.NoCascades(b);", more: Usings + """
            public static class Conventions
            {
                public static void NoCascades(ModelBuilder b)
                {
                    foreach (var fk in b.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys()))
                    {
                        fk.DeleteBehavior = DeleteBehavior.Restrict;
                    }
                }
            }
            """));

    [Theory]
    [InlineData("c.Conventions.Remove(typeof(CascadeDeleteConvention));")]
    [InlineData("c.Conventions.Remove<CascadeDeleteConvention>();")]
    public Task CascadeDeleteConventionRemoved_IsQuiet(string removal)
        => Verify.VerifyAsync(new AnalyzerTestCase(Case(nav: "Posts").Sources[0].Replace(
            "protected override void OnModelCreating",
            $"protected override void ConfigureConventions(ModelConfigurationBuilder c) {{ {removal} }} protected override void OnModelCreating",
            StringComparison.Ordinal).Replace("using Microsoft.EntityFrameworkCore;", "using Microsoft.EntityFrameworkCore;\nusing Microsoft.EntityFrameworkCore.Metadata.Conventions;", StringComparison.Ordinal)) { IncludePrelude = false });

    // A module's model builder, applied by a context in another assembly (SimplCommerce's ICustomModelBuilder): that
    // context's conventions decide what a relationship without OnDelete does, and they are not visible here.
    private const string ModuleModel = Usings + """
        public class Group
        {
            public long Id { get; set; }
            public int PostsCount { get; set; }
            public List<Post> Posts { get; set; } = new();
        }
        public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
        public static class Rules { public static void Remove(Post post) => post.Group.PostsCount--; }
        public sealed class ForumModelBuilder
        {
            public void Build(ModelBuilder modelBuilder) { CONFIG }
        }
        """;

    [Fact]
    public Task ModuleBuilderWithoutAContext_DefaultDeleteBehavior_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(ModuleModel.Replace("CONFIG", "modelBuilder.Entity<Post>().HasOne(p => p.Group).WithMany(g => g.Posts).HasForeignKey(p => p.GroupId);", StringComparison.Ordinal)) { IncludePrelude = false });

    [Fact]
    public Task ModuleBuilderWithoutAContext_ExplicitCascade_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(ModuleModel.Replace("CONFIG", "modelBuilder.Entity<Post>().[|HasOne|](p => p.Group).WithMany(g => g.Posts).OnDelete(DeleteBehavior.Cascade);", StringComparison.Ordinal)) { IncludePrelude = false });

    [Fact]
    public Task OptionalForeignKeyByConvention_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts", fk: "long?", nullable: "? "));

    [Fact]
    public Task RelationshipWithoutBookkeeping_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts", bookkeeping: "public static class Rules { public static void Add(Post post) => post.Group.PostsCount += 2; }"));

    [Fact]
    public Task SelfStampingAuditLoop_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts", bookkeeping: """
            public sealed class Audit : SaveChangesInterceptor
            {
                public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
                {
                    foreach (var entry in eventData.Context!.ChangeTracker.Entries<Group>()) { entry.Entity.UpdatedAt = DateTime.UtcNow; }
                    return result;
                }
            }
            """));

    [Fact]
    public Task TimestampSetToAnotherValue_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts", bookkeeping: "public static class Rules { public static void Copy(Post post) => post.Group.UpdatedAt = post.CreatedAt; }"));

    [Fact]
    public Task UnrelatedCounterName_WithoutADependentAtHand_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts", bookkeeping: "public static class Rules { public static void Viewed(Group group) => group.PostsCount++; public static void Named(Group group) => group.PostsCount = 0; }")
            .Sources[0].Replace("PostsCount++", "UpdatedAt = DateTime.UtcNow", StringComparison.Ordinal) is var source
            ? new AnalyzerTestCase(source) { IncludePrelude = false }
            : throw new InvalidOperationException());

    [Fact]
    public Task ManyToMany_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Tag { public long Id { get; set; } public int PostsCount { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public List<Tag> Tags { get; set; } = new(); }
            public class Db : DbContext { public DbSet<Tag> Tags => Set<Tag>(); }
            public static class Rules { public static void Add(Post post) { foreach (var tag in post.Tags) { tag.PostsCount++; } } }
            """) { IncludePrelude = false });

    [Fact]
    public Task CountersOnUnmappedClasses_AreQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class GroupDto { public int PostsCount { get; set; } public List<PostDto> Posts { get; set; } = new(); }
            public class PostDto { public GroupDto Group { get; set; } = new(); }
            public static class Rules { public static void Remove(PostDto post) => post.Group.PostsCount--; }
            """) { IncludePrelude = false });

    [Fact]
    public Task NotMappedCounter_IsQuiet()
        => Verify.VerifyAsync(Case(nav: "Posts").Sources[0].Replace("public int PostsCount", "[NotMapped] public int PostsCount", StringComparison.Ordinal) is var source
            ? new AnalyzerTestCase(source) { IncludePrelude = false }
            : throw new InvalidOperationException());

    [Fact]
    public Task GeneratedCode_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.Plain) { IncludePrelude = false, DocumentName = _ => "Model.g.cs" });

    [Fact]
    public Task HalfTypedCode_DoesNotThrow()
        => Verify.VerifyAsync(Case(nav: "Posts", config: "b.Entity<Group>().HasMany(g => g.{|CS1061:Postz|}).WithOne(p => p.Group).OnDelete({|CS0103:Cascade|});",
            bookkeeping: "public static class Rules { public static void Remove(Post post) { post.Group.{|CS1061:Missing|}--; post.{|CS1061:Grp|}.PostsCount--; } }"));
}
