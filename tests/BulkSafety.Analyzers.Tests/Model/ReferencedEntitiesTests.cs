using System.Globalization;
using BulkSafety.Analyzers.Rules;
using BulkSafety.Analyzers.Tests.Verification;
using BulkSafety.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BulkSafety.Analyzers.Tests.Model;

/// <summary>
/// A Domain + Infrastructure layout: the entities are compiled into their own assembly (metadata to the compilation under
/// test), the DbContext and its configuration are source. The model rules find the entities through the mapping and
/// report where this compilation maps them; a DbContext base from a package (IdentityDbContext) is read for its DbSets.
/// </summary>
public sealed class ReferencedEntitiesTests
{
    private const string Domain = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;

        namespace Forum.Domain;

        public class Group
        {
            public long Id { get; set; }
            [MaxLength(200)] public string Name { get; set; } = "";
            public string Description { get; set; } = "";
            public int PostsCount { get; set; }
            public DateTime UpdatedAt { get; set; }
            public List<Post> Posts { get; set; } = new();
        }

        public class Post
        {
            public long Id { get; set; }
            public long GroupId { get; set; }
            public Group Group { get; set; } = null!;
            public string Body { get; set; } = "";
        }

        public class Tag
        {
            public long Id { get; set; }
            public string Label { get; set; } = "";
        }
        """;

    // Domain-driven entities: state behind private setters, a computed property, a value object owned by its entity.
    private const string OrderingDomain = """
        using System.Collections.Generic;

        namespace Ordering.Domain;

        public class Order
        {
            protected Order() { }
            public Order(string description, Address address) { Description = description; Address = address; }
            public int Id { get; private set; }
            public string Description { get; private set; } = "";
            public string Summary => "Order " + Id + ": " + Description;
            public Address Address { get; private set; } = null!;
            public void Describe(string description) => Description = description;
        }

        public class Address
        {
            public Address(string street, string city) { Street = street; City = city; }
            public string Street { get; private set; }
            public string City { get; private set; }
        }
        """;

    private static readonly Lazy<MetadataReference> OrderingDomainReference = new(() => CompileToReference("Ordering.Domain", OrderingDomain));

    private const string Usings = IncidentModel.Usings + "using Forum.Domain;\n";

    private static readonly Lazy<MetadataReference> DomainReference = new(() => CompileToReference("Forum.Domain", Domain));

    private static readonly string PostBookkeeping = """
        public override int SaveChanges()
        {
            foreach (var entry in ChangeTracker.Entries<Post>())
            {
                if (entry.State == EntityState.Deleted)
                {
                    entry.Entity.Group.PostsCount--;
                    entry.Entity.Group.UpdatedAt = DateTime.UtcNow;
                }
            }

            return base.SaveChanges();
        }
        """;

    [Fact]
    public Task UnboundedColumnsOfReferencedEntities_AreReportedOnTheirDbSets()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Infrastructure("""
            public class ForumContext : DbContext
            {
                public DbSet<Group> {|BS3002:Groups|} => Set<Group>();
                public DbSet<Post> {|BS3002:Posts|} => Set<Post>();
            }
            """));

    [Fact]
    public async Task Message_NamesTheEntityAndProperty_AndHowToBoundItInTheMapping()
    {
        var diagnostics = await AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAndGetDiagnosticsAsync(Infrastructure("""
            public class ForumContext : DbContext
            {
                protected override void OnModelCreating(ModelBuilder b) => b.{|BS3002:Entity<Tag>|}();
            }
            """));

        Assert.Equal(
            "'Tag.Label' is an unbounded column (text). Encode the expected size with a maximum length, e.g. Entity<Tag>().Property(x => x.Label).HasMaxLength(2000).",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public Task ConfigurationClassOrPropertyCall_IsWhereTheColumnIsReported_AndBoundsInTheMappingCount()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Infrastructure("""
            public sealed class {|BS3002:GroupConfiguration|} : IEntityTypeConfiguration<Group>
            {
                public void Configure(EntityTypeBuilder<Group> builder) => builder.Property(g => g.Name).IsRequired();
            }

            public class ForumContext : DbContext
            {
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.ApplyConfiguration(new GroupConfiguration());
                    b.Entity<Post>().{|BS3002:Property|}(p => p.Body).IsRequired();
                    b.Entity<Tag>().Property(t => t.Label).HasMaxLength(40);
                }
            }
            """));

    [Fact]
    public Task PrivateSettersOfAReferencedEntity_AreMapped_ComputedPropertiesAreNot()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Ordering("""
            public sealed class {|BS3002:OrderConfiguration|} : IEntityTypeConfiguration<Order>
            {
                public void Configure(EntityTypeBuilder<Order> builder)
                {
                    builder.ToTable("orders");
                    builder.OwnsOne(o => o.Address, a => a.Property(x => x.City).HasMaxLength(100));
                }
            }

            public class OrderingContext : DbContext
            {
                protected override void OnModelCreating(ModelBuilder b) => b.ApplyConfiguration(new OrderConfiguration());
            }
            """.Replace("builder.OwnsOne", "builder.{|BS3002:OwnsOne|}", StringComparison.Ordinal)));

    [Fact]
    public async Task OwnedTypeOfAReferencedEntity_IsReportedOnItsOwnsOne_AndTheMessageBoundsItThere()
    {
        var diagnostics = await AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAndGetDiagnosticsAsync(Ordering("""
            public class OrderingContext : DbContext
            {
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Order>().Property(o => o.Description).HasMaxLength(500);
                    b.Entity<Order>().{|BS3002:{|BS3002:OwnsOne|}|}(o => o.Address);
                }
            }
            """));

        Assert.Equal(
            [
                "'Address.City' is an unbounded column (text). Encode the expected size with a maximum length, e.g. OwnsOne(x => x.Address, b => b.Property(x => x.City).HasMaxLength(2000)).",
                "'Address.Street' is an unbounded column (text). Encode the expected size with a maximum length, e.g. OwnsOne(x => x.Address, b => b.Property(x => x.Street).HasMaxLength(2000)).",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public Task Fix_AppendsHasMaxLengthToThePropertyCallOfAReferencedEntity()
        => CodeFixVerifier<UnboundedColumnAnalyzer, UnboundedColumnCodeFix>.VerifyFixAsync(
            Infrastructure("""
                public class ForumContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder b) => b.Entity<Tag>().{|BS3002:Property|}(t => t.Label);
                }
                """),
            Infrastructure("""
                public class ForumContext : DbContext
                {
                    protected override void OnModelCreating(ModelBuilder b) => b.Entity<Tag>().Property(t => t.Label).HasMaxLength(2000);
                }
                """));

    [Fact]
    public Task CascadeWithBookkeepingOnReferencedEntities_IsReportedOnThePrincipalsMapping()
        => AnalyzerVerifier<CascadeWriteAmplificationAnalyzer>.VerifyAsync(Infrastructure($$"""
            public class ForumContext : DbContext
            {
                public DbSet<Group> [|Groups|] => Set<Group>();
                public DbSet<Post> Posts => Set<Post>();
                {{PostBookkeeping}}
            }
            """));

    [Fact]
    public Task UnboundedColumnOfAReferencedEntityRewrittenPerDependent_IsOnAHotRow()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Infrastructure($$"""
            public class ForumContext : DbContext
            {
                public DbSet<Group> {|BS3001:Groups|} => Set<Group>();
                public DbSet<Post> {|BS3002:Posts|} => Set<Post>();
                {{PostBookkeeping}}
            }
            """));

    [Fact]
    public Task LoopRulesOverReferencedEntities_UseTheMapping()
        => AnalyzerVerifier<PerEntityDeleteLoopAnalyzer>.VerifyAsync(Infrastructure("""
            public class ForumContext : DbContext
            {
                public DbSet<Group> Groups => Set<Group>();
                public DbSet<Post> Posts => Set<Post>();
                protected override void OnModelCreating(ModelBuilder b)
                {
                    b.Entity<Group>().Property(g => g.Description).HasMaxLength(4000);
                    b.Entity<Post>().Property(p => p.Body).HasMaxLength(4000);
                }
            }

            public class Cleanup(ForumContext db)
            {
                public void Run(Group group, long id)
                {
                    foreach (var post in group.Posts)
                        db.Posts.[|Remove|](post);
                    foreach (var g in db.Groups.Where(g => g.Id == id).ToList())
                        db.Groups.Remove(g);
                }
            }
            """));

    [Fact]
    public Task IdentityDbContextBase_ItsDbSetsAreEntities_AndItsOwnColumnsAreLeftToIt()
        => AnalyzerVerifier<UnboundedColumnAnalyzer>.VerifyAsync(Identity("""
            public class AppUser : IdentityUser
            {
                public string {|BS3002:Bio|} { get; set; } = "";
            }

            public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options)
            {
                protected override void OnModelCreating(ModelBuilder builder)
                {
                    base.OnModelCreating(builder);
                    builder.Entity<AppUser>().ToTable("Users");
                }
            }
            """));

    [Fact]
    public Task IdentityUsers_DeletedOneByOneByDate_Report()
        => AnalyzerVerifier<PerEntityDeleteLoopAnalyzer>.VerifyAsync(Identity("""
            public class AppUser : IdentityUser
            {
                [System.ComponentModel.DataAnnotations.MaxLength(500)] public string Bio { get; set; } = "";
            }

            public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options);

            public class Accounts(AppDbContext db)
            {
                public void Purge(DateTimeOffset cutoff, string id)
                {
                    foreach (var user in db.Users.Where(u => u.LockoutEnd < cutoff).ToList())
                        db.Users.[|Remove|](user);
                    foreach (var user in db.Users.Where(u => u.Id == id).ToList())
                        db.Users.Remove(user);
                }
            }
            """));

    private static AnalyzerTestCase Infrastructure(string source)
    {
        var testCase = new AnalyzerTestCase(Usings + "namespace Forum.Infrastructure;\n" + source) { IncludePrelude = false };
        testCase.AdditionalReferences.Add(DomainReference.Value);
        return testCase;
    }

    private static AnalyzerTestCase Ordering(string source)
    {
        var testCase = new AnalyzerTestCase(IncidentModel.Usings + "using Ordering.Domain;\nnamespace Ordering.Infrastructure;\n" + source) { IncludePrelude = false };
        testCase.AdditionalReferences.Add(OrderingDomainReference.Value);
        return testCase;
    }

    private static AnalyzerTestCase Identity(string source)
    {
        var testCase = new AnalyzerTestCase(IncidentModel.Usings + "using Microsoft.AspNetCore.Identity;\nusing Microsoft.AspNetCore.Identity.EntityFrameworkCore;\nnamespace Accounts;\n" + source)
        {
            IncludePrelude = false,
        };
        testCase.AdditionalReferences.AddRange(TestReferences.Provider("Microsoft.AspNetCore.Identity"));
        return testCase;
    }

    // The Domain project: compiled on its own, referenced as metadata, as a project reference is.
    private static MetadataReference CompileToReference(string assemblyName, string source)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            TestReferences.Runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
