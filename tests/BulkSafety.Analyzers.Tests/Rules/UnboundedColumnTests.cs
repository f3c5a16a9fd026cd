using BulkSafety.Analyzers.Rules;
using BulkSafety.Analyzers.Tests.Model;
using BulkSafety.Analyzers.Tests.Verification;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis.CodeFixes;
using Verify = BulkSafety.Analyzers.Tests.Verification.AnalyzerVerifier<BulkSafety.Analyzers.Rules.UnboundedColumnAnalyzer>;
using VerifyFix = BulkSafety.Analyzers.Tests.Verification.CodeFixVerifier<BulkSafety.Analyzers.Rules.UnboundedColumnAnalyzer, BulkSafety.CodeFixes.Rules.UnboundedColumnCodeFix>;

namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>BS3001 (<c>[|...|]</c>: unbounded column on a hot row) and BS3002 (<c>{|BS3002:...|}</c>: elsewhere).</summary>
public sealed class UnboundedColumnTests
{
    private const string Usings = IncidentModel.Usings;

    // A group whose posts rewrite its counter (the hot row), with its own context. DESCRIPTION, CONFIG, CONVENTIONS and
    // EXTRA are where a test puts its variation.
    private const string HotGroup = Usings + """
        public class Group
        {
            public long Id { get; set; }
            public int PostsCount { get; set; }
            DESCRIPTION
            public List<Post> Posts { get; set; } = new();
        }
        public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
        public class Db : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            protected override void OnModelCreating(ModelBuilder b) { CONFIG }
            protected override void ConfigureConventions(ModelConfigurationBuilder c) { CONVENTIONS }
        }
        public static class PostRules { public static void Remove(Post post) => post.Group.PostsCount--; }
        EXTRA
        """;

    private static AnalyzerTestCase Hot(string description, string config = "", string conventions = "", string extra = "")
        => new(HotGroup.Replace("DESCRIPTION", description, StringComparison.Ordinal).Replace("CONFIG", config, StringComparison.Ordinal)
            .Replace("CONVENTIONS", conventions, StringComparison.Ordinal).Replace("EXTRA", extra, StringComparison.Ordinal)) { IncludePrelude = false };

    // ---- BS3001 / BS3002 reported ----

    [Fact]
    public Task IncidentModel_WideGroupColumnsAreHot_PostBodyIsNot()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "{|BS3002:Body|}")) { IncludePrelude = false });

    [Fact]
    public Task ModelSplitOverFiles_ReportsInTheEntityFile()
    {
        var entity = Usings + """
            namespace Split;
            public class Group { public long Id { get; set; } public int PostsCount { get; set; } public string [|Description|] { get; set; } = ""; public List<Post> Posts { get; set; } = new(); }
            """;
        var post = Usings + "namespace Split; public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }";
        var context = Usings + """
            namespace Split;
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                public override int SaveChanges()
                {
                    foreach (var entry in ChangeTracker.Entries<Post>().Where(e => e.State == EntityState.Deleted)) { entry.Entity.Group.PostsCount--; }
                    return base.SaveChanges();
                }
            }
            """;
        return Verify.VerifyAsync(new AnalyzerTestCase(entity, post, context) { IncludePrelude = false });
    }

    [Fact]
    public Task FluentlyConfiguredWithoutLength_InAppliedConfigurationClass_IsReported()
        => Verify.VerifyAsync(Hot(
            "public string [|Description|] { get; set; } = \"\";",
            config: "b.ApplyConfigurationsFromAssembly(typeof(Db).Assembly);",
            extra: "public sealed class GroupConfiguration : IEntityTypeConfiguration<Group> { public void Configure(EntityTypeBuilder<Group> g) => g.Property(x => x.Description).IsRequired(); }"));

    [Fact]
    public Task HotThroughInterceptorTouch_IsReported()
    {
        var model = Usings + """
            public class Group { public long Id { get; set; } public DateTime UpdatedAt { get; set; } public string [|Description|] { get; set; } = ""; public List<Membership> Memberships { get; set; } = new(); }
            public class Membership { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
            public sealed class Touch : SaveChangesInterceptor
            {
                public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
                {
                    foreach (var entry in data.Context!.ChangeTracker.Entries<Membership>()) { entry.Entity.Group.UpdatedAt = DateTimeOffset.UtcNow.UtcDateTime; }
                    return ValueTask.FromResult(result);
                }
            }
            """;
        return Verify.VerifyAsync(new AnalyzerTestCase(model) { IncludePrelude = false });
    }

    [Fact]
    public Task HotThroughExecuteUpdateAndRawSql_IsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "{|BS3002:Body|}", bookkeeping: IncidentModel.NoBookkeeping), Usings + """
            namespace Incident;
            public sealed class Cleanup(IncidentContext db)
            {
                public void Remove(Post post)
                {
                    db.Groups.Where(g => g.Id == post.GroupId).ExecuteUpdate(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1));
                    db.Database.ExecuteSqlInterpolated($"UPDATE Groups SET UpdatedAt = CURRENT_TIMESTAMP WHERE Id = {post.GroupId}");
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task TphBaseColumn_OnHotDerivedType_IsReportedOnTheBaseDeclaration()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public abstract class Group { public long Id { get; set; } public string [|Description|] { get; set; } = ""; }
            public class Forum : Group { public int PostsCount { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long ForumId { get; set; } public Forum Forum { get; set; } = null!; }
            public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); public DbSet<Forum> Forums => Set<Forum>(); }
            public static class Rules { public static void Add(Post post) => post.Forum.PostsCount++; }
            """) { IncludePrelude = false });

    [Fact]
    public Task OwnedTypeOnHotEntity_IsReportedOnTheOwnedProperty()
        => Verify.VerifyAsync(Hot(
            "public Banner Banner { get; set; } = new();",
            config: "b.Entity<Group>().OwnsOne(g => g.Banner);",
            extra: "public class Banner { public string [|Html|] { get; set; } = \"\"; }"));

    [Fact]
    public Task ByteArrayOnHotRow_IsReported()
        => Verify.VerifyAsync(Hot("public byte[] [|Logo|] { get; set; } = [];"));

    [Fact]
    public Task BareMaxLengthAttribute_IsUnbounded()
        => Verify.VerifyAsync(Hot("[MaxLength] public string [|Description|] { get; set; } = \"\";"));

    [Theory]
    [InlineData("b.Entity<Group>().Property(g => g.Description).HasColumnType(\"text\");")]
    [InlineData("b.Entity<Group>().Property(g => g.Description).HasColumnType(\"nvarchar(max)\");")]
    public Task ExplicitUnboundedColumnType_IsReported(string config)
        => Verify.VerifyAsync(Hot("public string [|Description|] { get; set; } = \"\";", config: config));

    [Fact]
    public Task ColumnAttributeWithLongtext_IsReported()
        => Verify.VerifyAsync(Hot("[Column(TypeName = \"longtext\")] public string [|Description|] { get; set; } = \"\";"));

    [Fact]
    public Task PropertyOnUnmappedBaseClass_IsReportedOnceOnTheBase()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public abstract class Audited { public string {|BS3002:Notes|} { get; set; } = ""; }
            public class Invoice : Audited { public long Id { get; set; } }
            public class Order : Audited { public long Id { get; set; } }
            public class Db : DbContext { public DbSet<Invoice> Invoices => Set<Invoice>(); public DbSet<Order> Orders => Set<Order>(); }
            """) { IncludePrelude = false });

    [Fact]
    public async Task SqlServer_LengthAbove4000_IsNvarcharMax_AndTheMessageSaysSo()
    {
        var testCase = Hot("[MaxLength(5000)] public string [|Description|] { get; set; } = \"\";");
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Microsoft.EntityFrameworkCore.SqlServer"));
        await Verify.VerifyAsync(testCase);
        var message = await MessageAsync(testCase);
        Assert.Contains("SQL Server maps a maximum length of 5000 (above 4000) to nvarchar(max)", message, StringComparison.Ordinal);
    }

    [Fact]
    public Task PostgreSql_BareVarchar_IsUnbounded()
    {
        var testCase = Hot("[Column(TypeName = \"varchar\")] public string [|Description|] { get; set; } = \"\";");
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Npgsql"));
        return Verify.VerifyAsync(testCase);
    }

    [Fact]
    public Task SqliteTheOnlyProvider_BS3002IsQuiet_WhileBS3001StillReportsTheHotRow()
    {
        // SQLite's TEXT never has a declared length: reporting every string column there is noise (an application had 132).
        var testCase = new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "Body")) { IncludePrelude = false };
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Microsoft.EntityFrameworkCore.Sqlite"));
        return Verify.VerifyAsync(testCase);
    }

    [Fact]
    public Task SqliteBesideAServerProvider_BS3002Reports()
    {
        // SQLite for tests or development, PostgreSQL in production: the column is unbounded where it matters.
        var testCase = new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "{|BS3002:Body|}")) { IncludePrelude = false };
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Microsoft.EntityFrameworkCore.Sqlite"));
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Npgsql"));
        return Verify.VerifyAsync(testCase);
    }

    [Fact]
    public async Task Message_NamesTheColumnItsProvidersTypeTheRewritesAndTheConfiguredLength()
    {
        var testCase = new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "Body"))
        {
            IncludePrelude = false,
            EditorConfig = "dotnet_code_quality.BS3001.max_length = 4000",
        };
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Microsoft.EntityFrameworkCore.Sqlite"));
        await Verify.VerifyAsync(testCase);
        Assert.Equal(
            "'Group.Description' is an unbounded column (TEXT) on a row that is rewritten often (Group.PostsCount, Group.UpdatedAt rewritten per Post): "
            + "every rewrite copies the whole value into the replication log. Give it a maximum length, e.g. [MaxLength(4000)].",
            await MessageAsync(testCase));
    }

    // ---- quiet ----

    [Fact]
    public Task WithoutEfCore_NothingIsReported()
        => Verify.VerifyAsync(new AnalyzerTestCase("public class Group { public string Description { get; set; } = \"\"; }") { IncludePrelude = false, ReferenceEfCore = false });

    [Fact]
    public Task SharedPreludeModel_IsBounded()
        => Verify.VerifyAsync("class C { }");

    [Theory]
    [InlineData("[MaxLength(2000)] public string Description { get; set; } = \"\";")]
    [InlineData("[StringLength(2000)] public string Description { get; set; } = \"\";")]
    [InlineData("[Column(TypeName = \"varchar(2000)\")] public string Description { get; set; } = \"\";")]
    [InlineData("[MaxLength(5000)] public string Description { get; set; } = \"\";")]
    public Task BoundedByAttribute_IsQuiet(string description)
        => Verify.VerifyAsync(Hot(description));

    [Theory]
    [InlineData("b.Entity<Group>().Property(g => g.Description).HasMaxLength(2000);")]
    [InlineData("b.Entity<Group>(g => { var p = g.Property(x => x.Description); p.HasMaxLength(2000); });")]
    [InlineData("b.Entity<Group>().Property<string>(\"Description\").IsUnicode(false).HasMaxLength(2000);")]
    [InlineData("b.Entity<Group>().Property(g => g.Description).HasMaxLength(Limits.Description);")]
    [InlineData("b.Entity<Group>().ToTable(t => t.HasCheckConstraint(\"CK_Description\", \"char_length(description) <= 2000\")).Property(g => g.Description).HasColumnType(\"text\");")]
    public Task BoundedFluently_IsQuiet(string config)
        => Verify.VerifyAsync(Hot("public string Description { get; set; } = \"\";", config: config, extra: "public static class Limits { public static readonly int Description = 2000; }"));

    [Fact]
    public Task BoundedByConvention_IsQuiet()
        => Verify.VerifyAsync(Hot("public string Description { get; set; } = \"\"; public byte[] Logo { get; set; } = [];", conventions: "c.Properties<string>().HaveMaxLength(500); c.Properties<byte[]>().HaveMaxLength(8000);"));

    [Fact]
    public Task NotMappedIgnoredAndComputed_AreQuiet()
        => Verify.VerifyAsync(Hot(
            "[NotMapped] public string Draft { get; set; } = \"\"; public string Ignored { get; set; } = \"\"; public string Computed => Draft + Ignored; public string GetOnly { get; } = \"\";",
            config: "b.Entity<Group>().Ignore(g => g.Ignored);"));

    [Fact]
    public Task KeysForeignKeysAndRowVersions_AreQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Tenant { public string Id { get; set; } = ""; [Key] public string Code { get; set; } = ""; public List<Site> Sites { get; set; } = new(); }
            public class Site { public string SiteId { get; set; } = ""; public string TenantCode { get; set; } = ""; public Tenant Tenant { get; set; } = null!; [Timestamp] public byte[] Version { get; set; } = []; public byte[] Stamp { get; set; } = []; public string Slug { get; set; } = ""; }
            public class Db : DbContext
            {
                public DbSet<Tenant> Tenants => Set<Tenant>();
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Site>().HasAlternateKey(s => s.Slug);
                    b.Entity<Site>().Property(s => s.Stamp).IsRowVersion();
                    b.Entity<Tenant>().HasMany(t => t.Sites).WithOne(s => s.Tenant).HasForeignKey(s => s.TenantCode).HasPrincipalKey(t => t.Code);
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task ClassesNoContextMaps_AreQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class GroupDto { public long Id { get; set; } public string Description { get; set; } = ""; }
            public class GroupViewModel { public string DescriptionHtml { get; set; } = ""; public int PostsCount { get; set; } }
            public static class Mapper { public static void Bump(GroupViewModel m) => m.PostsCount++; }
            """) { IncludePrelude = false });

    [Fact]
    public Task JsonOwnedKeylessAndViews_AreQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public class Group { public long Id { get; set; } public Meta Meta { get; set; } = new(); }
            public class Meta { public string Notes { get; set; } = ""; }
            [Keyless] public class Report { public string Text { get; set; } = ""; }
            public class Summary { public long Id { get; set; } public string Text { get; set; } = ""; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                public DbSet<Report> Reports => Set<Report>();
                public DbSet<Summary> Summaries => Set<Summary>();
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Group>().OwnsOne(g => g.Meta, m => m.ToJson());
                    b.Entity<Summary>().ToView("summaries");
                }
            }
            """) { IncludePrelude = false });

    [Fact]
    public Task TptBaseTableColumn_WithCounterOnDerivedTable_IsNotHot()
        => Verify.VerifyAsync(new AnalyzerTestCase(Usings + """
            public abstract class Group { public long Id { get; set; } public string {|BS3002:Description|} { get; set; } = ""; }
            public class Forum : Group { public int PostsCount { get; set; } public List<Post> Posts { get; set; } = new(); }
            public class Post { public long Id { get; set; } public long ForumId { get; set; } public Forum Forum { get; set; } = null!; }
            public class Db : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                public DbSet<Forum> Forums => Set<Forum>();
                protected override void OnModelCreating(ModelBuilder b) => b.Entity<Group>().UseTptMappingStrategy();
            }
            public static class Rules { public static void Add(Post post) => post.Forum.PostsCount++; }
            """) { IncludePrelude = false });

    [Fact]
    public Task GeneratedCode_IsQuiet()
        => Verify.VerifyAsync(new AnalyzerTestCase(IncidentModel.Plain) { IncludePrelude = false, DocumentName = _ => "Model.g.cs" });

    [Fact]
    public Task HalfTypedCode_ReportsWhatItCanWithoutThrowing()
        => Verify.VerifyAsync(Hot(
            "public string [|Description|] { get; set; } = \"\"; public string [|Broken|] { get; set; } = {|CS0103:Missing|};",
            config: "b.Entity<Group>().Property(g => g.{|CS1061:Nope|}).HasMaxLength(10); b.Entity<Group>().HasMany(g => g.Posts).WithOne().OnDelete(DeleteBehavior.{|CS0117:Sometimes|});"));

    // ---- fix ----

    [Fact]
    public Task Fix_AddsMaxLengthAttribute()
        => VerifyFix.VerifyFixAsync(Hot("public string [|Description|] { get; set; } = \"\";"), Hot("[MaxLength(2000)]\n    public string Description { get; set; } = \"\";"));

    [Fact]
    public Task Fix_AddsTheUsingWhenDataAnnotationsIsNotImported()
        => VerifyFix.VerifyFixAsync(
            new AnalyzerTestCase(Usings.Replace("using System.ComponentModel.DataAnnotations;\n", string.Empty, StringComparison.Ordinal) + """
                public class Group
                {
                    public long Id { get; set; }
                    public string {|BS3002:Description|} { get; set; } = "";
                }
                public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
                """) { IncludePrelude = false },
            new AnalyzerTestCase(Usings.Replace("using System.ComponentModel.DataAnnotations;\n", string.Empty, StringComparison.Ordinal).TrimEnd('\n') + "\nusing System.ComponentModel.DataAnnotations;\n\n" + """
                public class Group
                {
                    public long Id { get; set; }
                    [MaxLength(2000)]
                    public string Description { get; set; } = "";
                }
                public class Db : DbContext { public DbSet<Group> Groups => Set<Group>(); }
                """) { IncludePrelude = false });

    [Fact]
    public Task Fix_GivesABareMaxLengthItsLength_FromTheOption()
        => VerifyFix.VerifyFixAsync(
            WithConfig(Hot("[MaxLength] public string [|Description|] { get; set; } = \"\";")),
            WithConfig(Hot("[MaxLength(500)] public string Description { get; set; } = \"\";")));

    [Fact]
    public Task Fix_AppendsHasMaxLength_WhereThePropertyIsConfiguredFluently()
        => VerifyFix.VerifyFixAsync(
            Hot("public string [|Description|] { get; set; } = \"\";", config: "b.Entity<Group>().Property(g => g.Description).IsRequired();"),
            Hot("public string Description { get; set; } = \"\";", config: "b.Entity<Group>().Property(g => g.Description).HasMaxLength(2000).IsRequired();"));

    [Fact]
    public async Task Fix_IsNotOfferedForAnExplicitUnboundedType()
    {
        var fixes = await VerifyFix.GetOfferedFixesAsync(HotGroup.Replace("DESCRIPTION", "[Column(TypeName = \"text\")] public string [|Description|] { get; set; } = \"\";", StringComparison.Ordinal)
            .Replace("CONFIG", string.Empty, StringComparison.Ordinal).Replace("CONVENTIONS", string.Empty, StringComparison.Ordinal).Replace("EXTRA", "namespace Quiet { }", StringComparison.Ordinal));
        Assert.Empty(fixes);
    }

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    public Task FixAll_BoundsEveryColumn(FixAllScope scope)
    {
        var before = new AnalyzerTestCase(IncidentModel.With("[|Description|]", "[|DescriptionHtml|]", "{|BS3002:Body|}"), Usings + """
            namespace Incident;
            public class Tag
            {
                public long Id { get; set; }
                public string {|BS3002:Label|} { get; set; } = "";
            }
            public class TagContext : DbContext { public DbSet<Tag> Tags => Set<Tag>(); }
            """) { IncludePrelude = false };
        var fixedModel = IncidentModel.Plain
            .Replace("    public string Description", "    [MaxLength(2000)]\n    public string Description", StringComparison.Ordinal)
            .Replace("    public string? DescriptionHtml", "    [MaxLength(2000)]\n    public string? DescriptionHtml", StringComparison.Ordinal)
            .Replace("    public string Body", "    [MaxLength(2000)]\n    public string Body", StringComparison.Ordinal);
        var tag = scope == FixAllScope.Project ? "[MaxLength(2000)]\n    public string Label" : "public string {|BS3002:Label|}";
        var after = new AnalyzerTestCase(fixedModel, Usings + """
            namespace Incident;
            public class Tag
            {
                public long Id { get; set; }
                TAG { get; set; } = "";
            }
            public class TagContext : DbContext { public DbSet<Tag> Tags => Set<Tag>(); }
            """.Replace("TAG", tag, StringComparison.Ordinal)) { IncludePrelude = false };
        return VerifyFix.VerifyFixAllAsync(before, after, scope);
    }

    private static AnalyzerTestCase WithConfig(AnalyzerTestCase testCase)
    {
        testCase.EditorConfig = "dotnet_code_quality.max_length = 500";
        return testCase;
    }

    private static async Task<string> MessageAsync(AnalyzerTestCase testCase)
    {
        var diagnostics = await Verify.GetDiagnosticsAsync(testCase);
        return diagnostics.First(d => d.Id == DiagnosticIds.UnboundedColumnOnHotRow).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
    }
}
