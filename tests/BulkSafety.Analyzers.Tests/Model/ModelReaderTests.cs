using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Model;
using BulkSafety.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Tests.Model;

/// <summary>The EF model reader on real EF Core 10 models: what it maps, relates, counts as bookkeeping and as unbounded.</summary>
public sealed class ModelReaderTests
{
    private const string Usings = IncidentModel.Usings;

    [Fact]
    public async Task IncidentModel_ReadsEntitiesRelationshipsBookkeepingAndColumns()
    {
        var model = await ReadAsync(IncidentModel.Plain);

        Assert.Equal(["Group", "Membership", "Post"], model.EntityTypes.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
        var posts = Assert.Single(model.Relationships, r => r.Dependent.Name == "Post");
        Assert.Equal(("Group", "Posts", "Group", "GroupId"), (posts.Principal.Name, posts.PrincipalNavigation?.Name, posts.DependentNavigation?.Name, posts.ForeignKey.Single().Name));
        Assert.True(posts.IsRequired);
        Assert.Equal(DeleteBehavior.Cascade, posts.DeleteBehavior);
        Assert.Equal(
            ["PostsCount Counter Post", "PostsCount Counter Post", "UpdatedAt Touch Post", "UpdatedAt Touch Post"],
            model.Bookkeeping.Select(w => $"{w.Property.Name} {w.Kind} {w.Dependent.Name}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(
            ["Group.Description hot", "Group.DescriptionHtml hot", "Post.Body cold"],
            model.UnboundedColumns.Select(c => $"{c.Property.ContainingType.Name}.{c.Property.Name} {(c.IsOnHotRow ? "hot" : "cold")}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(["PostsCount", "UpdatedAt"], model.PrincipalRewrites(posts).Select(w => w.Property.Name).Distinct().OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public async Task EntityReachedOnlyThroughNavigation_IsMapped_AndUnmappedLookalikeIsNot()
    {
        var model = await ReadAsync(Usings + """
            public class Group { public long Id { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long GroupId { get; set; } public string Body { get; set; } = ""; }
            public class PostDto { public long Id { get; set; } public string Body { get; set; } = ""; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            """);

        Assert.Equal(["Group", "Post"], model.EntityTypes.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(["Post.Body"], model.UnboundedColumns.Select(c => $"{c.Property.ContainingType.Name}.{c.Property.Name}"));
        var relationship = Assert.Single(model.Relationships);
        Assert.Equal(("GroupId", true, DeleteBehavior.Cascade), (relationship.ForeignKey.Single().Name, relationship.IsRequired, relationship.DeleteBehavior));
    }

    [Fact]
    public async Task NotMappedIgnoredComputedKeyAndRowVersion_AreNotColumns()
    {
        var model = await ReadAsync(Usings + """
            public class Group
            {
                public string Id { get; set; } = "";
                [NotMapped] public string Draft { get; set; } = "";
                public string Ignored { get; set; } = "";
                public string Computed => Id + "!";
                [Timestamp] public byte[] Version { get; set; } = [];
                public byte[] Picture { get; set; } = [];
            }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void OnModelCreating(ModelBuilder b) => b.Entity<Group>().Ignore(g => g.Ignored);
            }
            """);

        var column = Assert.Single(model.UnboundedColumns);
        Assert.Equal(("Picture", true), (column.Property.Name, column.IsBinary));
    }

    [Fact]
    public async Task OptionalForeignKey_DefaultsToClientSetNull_AndFluentOnDeleteOverrides()
    {
        const string Model = Usings + """
            public class Group { public long Id { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long? GroupId { get; set; } public Group? Group { get; set; } }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void OnModelCreating(ModelBuilder b) { /*config*/ }
            }
            """;
        var byConvention = Assert.Single((await ReadAsync(Model)).Relationships);
        Assert.Equal((false, DeleteBehavior.ClientSetNull), (byConvention.IsRequired, byConvention.DeleteBehavior));

        var configured = Assert.Single((await ReadAsync(Model.Replace("/*config*/", "b.Entity<Group>().HasMany(g => g.Posts).WithOne(p => p.Group).OnDelete(DeleteBehavior.Cascade);", StringComparison.Ordinal))).Relationships);
        Assert.Equal((DeleteBehavior.Cascade, "Posts", "Group"), (configured.DeleteBehavior, configured.PrincipalNavigation?.Name, configured.DependentNavigation?.Name));
        Assert.Equal("HasMany", configured.Location.SourceTree!.ToString().Substring(configured.Location.SourceSpan.Start, configured.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("b.ApplyConfigurationsFromAssembly(typeof(Db).Assembly);", false)]
    [InlineData("b.ApplyConfiguration(new GroupConfiguration());", false)]
    [InlineData("", true)]
    public async Task ConfigurationClass_CountsOnlyWhenApplied(string apply, bool unbounded)
    {
        var model = await ReadAsync(
            Usings + """
            public class Group { public long Id { get; set; } public string Description { get; set; } = ""; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void OnModelCreating(ModelBuilder b) { APPLY }
            }
            """.Replace("APPLY", apply, StringComparison.Ordinal),
            Usings + """
            public sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
            {
                public void Configure(EntityTypeBuilder<Group> builder) => builder.Property(g => g.Description).IsRequired().HasMaxLength(2000);
            }
            """);

        Assert.Equal(unbounded, model.UnboundedColumns.Any(c => c.Property.Name == "Description"));
    }

    [Theory]
    [InlineData("c.Properties<string>().HaveMaxLength(500);", false)]
    [InlineData("c.Properties<string>().HaveColumnType(\"text\");", true)]
    [InlineData("c.Properties<byte[]>().HaveMaxLength(500);", true)]
    public async Task ConfigureConventions_DefaultBoundsEveryString(string convention, bool unbounded)
    {
        var model = await ReadAsync(Usings + """
            public class Group { public long Id { get; set; } public string Description { get; set; } = ""; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void ConfigureConventions(ModelConfigurationBuilder c) { CONVENTION }
            }
            """.Replace("CONVENTION", convention, StringComparison.Ordinal));

        Assert.Equal(unbounded, model.UnboundedColumns.Any());
    }

    [Fact]
    public async Task ExecuteUpdateAndRawSqlPerDependent_AreBookkeeping()
    {
        var model = await ReadAsync(IncidentModel.WithoutBookkeeping, Usings + """
            namespace Incident;
            public sealed class PostService(IncidentContext db)
            {
                public Task RemoveAsync(Post post)
                {
                    db.Posts.Remove(post);
                    db.Groups.Where(g => g.Id == post.GroupId).ExecuteUpdate(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1));
                    db.Database.ExecuteSqlRaw("UPDATE groups SET updated_at = CURRENT_TIMESTAMP WHERE id = {0}", post.GroupId);
                    return db.SaveChangesAsync();
                }
            }
            """);

        Assert.Equal(
            ["PostsCount Counter Post ExecuteUpdate", "UpdatedAt Touch Post RawSql"],
            model.Bookkeeping.Select(w => $"{w.Property.Name} {w.Kind} {w.Dependent.Name} {w.Mechanism}").OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task InterceptorAndEntityMethod_AreBookkeeping()
    {
        var model = await ReadAsync(IncidentModel.WithoutBookkeeping, Usings + """
            namespace Incident;
            public sealed class TouchGroups : SaveChangesInterceptor
            {
                public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
                {
                    foreach (var entry in eventData.Context!.ChangeTracker.Entries<Membership>())
                    {
                        var group = entry.Entity.Group;
                        group.UpdatedAt = DateTime.UtcNow;
                    }

                    return result;
                }
            }

            public static class PostRules
            {
                public static void Detach(this Post post) => post.Group.PostsCount -= 1;
            }
            """);

        Assert.Equal(
            ["PostsCount Counter Post", "UpdatedAt Touch Membership"],
            model.Bookkeeping.Select(w => $"{w.Property.Name} {w.Kind} {w.Dependent.Name}").OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task SelfStampingAuditLoopAndUnrelatedCounters_AreNotBookkeeping()
    {
        var model = await ReadAsync(Usings + """
            public class Article
            {
                public long Id { get; set; }
                public int ViewCount { get; set; }
                public int Version { get; set; }
                public DateTime UpdatedAt { get; set; }
                public string Body { get; set; } = "";
            }
            public class Db : DbContext
            {
                public DbSet<Article> Articles => Set<Article>();
                public override int SaveChanges()
                {
                    foreach (var entry in ChangeTracker.Entries<Article>())
                    {
                        entry.Entity.UpdatedAt = DateTime.UtcNow;
                        entry.Entity.Version++;
                    }

                    return base.SaveChanges();
                }
            }
            public static class Views { public static void Count(Article a) { a.ViewCount++; for (var i = 0; i < 3; i++) { } } }
            """);

        Assert.Empty(model.Bookkeeping);
        Assert.False(Assert.Single(model.UnboundedColumns).IsOnHotRow);
    }

    [Fact]
    public async Task InitializersOfNewRows_AreNotBookkeeping_ButInheritedTimestampsAre()
    {
        var model = await ReadAsync(Usings + """
            public abstract class Stamped { public DateTime UpdatedAt { get; set; } }
            public class Group : Stamped
            {
                public long Id { get; set; }
                public int PostsCount { get; set; }
                public List<Post> Posts { get; set; } = new();
            }
            public record Post
            {
                public long Id { get; set; }
                public long GroupId { get; set; }
                public Group Group { get; set; } = null!;
                public DateTime UpdatedAt { get; set; }
            }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            public static class Rules
            {
                public static Group Split(Post post) => new Group { PostsCount = 1, UpdatedAt = DateTime.UtcNow };
                public static Post Copy(Post post, Group group) => post with { UpdatedAt = DateTime.UtcNow };
                public static void Touch(Post post) => post.Group.UpdatedAt = DateTime.UtcNow;
            }
            """);

        var write = Assert.Single(model.Bookkeeping);
        Assert.Equal(
            ("UpdatedAt", BookkeepingKind.Touch, "Post", "post.Group.UpdatedAt = DateTime.UtcNow"),
            (write.Property.Name, write.Kind, write.Dependent.Name, write.Syntax.ToString()));
    }

    [Fact]
    public async Task OwnedAttributeTypeReachedFromHotEntity_IsHot_AndUnreachedClassIsNotMapped()
    {
        var model = await ReadAsync(Usings + """
            public class Group
            {
                public long Id { get; set; }
                public int PostsCount { get; set; }
                public Banner Banner { get; set; } = new();
                public List<Post> Posts { get; set; } = new();
            }
            [Owned] public class Banner { public string Text { get; set; } = ""; }
            public class Address { public string Street { get; set; } = ""; }
            public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            public static class Rules { public static void Remove(Post post) => post.Group.PostsCount--; }
            """);

        var text = Assert.Single(model.UnboundedColumns);
        Assert.Equal(("Text", true), (text.Property.Name, text.IsOnHotRow));
        Assert.DoesNotContain(model.EntityTypes, e => e.Name == "Address");
    }

    [Fact]
    public async Task OwnsOneOnHotEntity_IsHot_AndJsonOwnedIsNotAColumn()
    {
        var model = await ReadAsync(Usings + """
            public class Group
            {
                public long Id { get; set; }
                public int PostsCount { get; set; }
                public Address Address { get; set; } = new();
                public Meta Meta { get; set; } = new();
                public List<Post> Posts { get; set; } = new();
            }
            public class Address { public string Street { get; set; } = ""; }
            public class Meta { public string Notes { get; set; } = ""; }
            public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Group>().OwnsOne(g => g.Address);
                    b.Entity<Group>().OwnsOne(g => g.Meta, m => m.ToJson());
                }
            }
            public static class Rules { public static void Add(Post post) => post.Group.PostsCount++; }
            """);

        var street = Assert.Single(model.UnboundedColumns);
        Assert.Equal(("Street", true), (street.Property.Name, street.IsOnHotRow));
        Assert.DoesNotContain(model.Relationships, r => r.Dependent.Name == "Address");
    }

    [Theory]
    [InlineData("b.Entity<Group>().UseTptMappingStrategy();", false)]
    [InlineData("", true)]
    public async Task Inheritance_TptSeparatesTheRows_TphSharesThem(string strategy, bool hot)
    {
        var model = await ReadAsync(Usings + """
            public abstract class Group { public long Id { get; set; } public string Description { get; set; } = ""; }
            public class Forum : Group { public int PostsCount { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long ForumId { get; set; } public Forum Forum { get; set; } = null!; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                public DbSet<Forum> Forums => Set<Forum>();
                protected override void OnModelCreating(ModelBuilder b) { STRATEGY }
            }
            public static class Rules { public static void Add(Post post) => post.Forum.PostsCount++; }
            """.Replace("STRATEGY", strategy, StringComparison.Ordinal));

        var description = Assert.Single(model.UnboundedColumns);
        Assert.Equal(hot, description.IsOnHotRow);
    }

    [Fact]
    public async Task HalfTypedCode_ReadsWithoutThrowing()
    {
        var model = await ReadAsync(Usings + """
            public class Group { public long Id { get; set; } public string Description { get; set; } = ""; public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public Group Group { get; set; } = null!; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Group>().HasMany(g => g.).WithOne(p => p.Group).OnDelete(DeleteBehavior.);
                    b.Entity<Group>().Property(g => g.Description).HasMaxLength(
                }
            }
            public static class Rules { public static void Add(Post post) { post.Group.Missing--; post.Group. = DateTime.UtcNow; } }
            """, allowErrors: true);

        Assert.Contains(model.EntityTypes, e => e.Name == "Post");
    }

    private static async Task<EfModel> ReadAsync(params string[] sources) => await ReadAsync(sources, allowErrors: false);

    private static async Task<EfModel> ReadAsync(string source, bool allowErrors) => await ReadAsync([source], allowErrors);

    private static async Task<EfModel> ReadAsync(string[] sources, bool allowErrors)
    {
        var project = await new AnalyzerTestCase(sources) { IncludePrelude = false }.CreateProjectAsync();
        var compilation = (await project.GetCompilationAsync())!;
        if (!allowErrors)
        {
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));
        return EfModelReader.Read(compilation, symbols, CancellationToken.None);
    }
}
