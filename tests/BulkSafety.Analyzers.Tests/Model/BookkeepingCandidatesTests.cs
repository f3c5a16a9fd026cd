using BulkSafety.Analyzers.Infrastructure;
using BulkSafety.Analyzers.Model;
using BulkSafety.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Tests.Model;

/// <summary>
/// The syntax pre-filter of the model reader: which statements are kept for binding as possible bookkeeping, and which
/// principals the mapping then says may be rewritten. What is dropped is never bound.
/// </summary>
public sealed class BookkeepingCandidatesTests
{
    private const string Model = IncidentModel.Usings + """
        public class Group
        {
            public long Id { get; set; }
            public int PostsCount { get; set; }
            public int Version { get; set; }
            public DateTime UpdatedAt { get; set; }
            public List<Post> Posts { get; set; } = new();
            METHODS
        }
        public class Post { public long Id { get; set; } public long GroupId { get; set; } public Group Group { get; set; } = null!; public DateTime EditedAt { get; set; } }
        public class Tag { public long Id { get; set; } public DateTime UpdatedAt { get; set; } }
        public class Db : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            public DbSet<Tag> Tags => Set<Tag>();
        }
        """;

    [Theory]
    [InlineData("var group = db.Groups.Find(id)!; group.UpdatedAt = DateTime.UtcNow; group.Version++;")]
    [InlineData("foreach (var group in db.Groups.ToList()) { group.UpdatedAt = DateTime.UtcNow; }")]
    [InlineData("var tag = db.Tags.Find(id)!; tag.UpdatedAt = DateTime.UtcNow;")]
    [InlineData("var draft = new Post(); draft.EditedAt = DateTime.UtcNow;")]
    [InlineData("var group = new Group { UpdatedAt = DateTime.UtcNow, Version = 1 };")]
    public async Task OwnRowStampsAndUnrelatedWrites_AreNotCandidates(string statements)
    {
        var mapping = await ReadMappingAsync(Service(statements));

        Assert.Empty(CandidatesOutsideTheModel(mapping));
        Assert.False(mapping.MayBeRewritten(Entity(mapping, "Group")));
    }

    [Theory]
    [InlineData("post.Group.UpdatedAt = DateTime.UtcNow;", "post.Group.UpdatedAt = DateTime.UtcNow")]
    [InlineData("var group = post.Group; group.UpdatedAt = DateTime.UtcNow;", "group.UpdatedAt = DateTime.UtcNow")]
    [InlineData("var group = db.Groups.Find(post.GroupId)!; group.Version++;", "group.Version++")]
    [InlineData("var group = db.Groups.Find(id)!; group.PostsCount--;", "group.PostsCount--")]
    [InlineData("db.Database.ExecuteSqlRaw(\"UPDATE Groups SET PostsCount = PostsCount - 1 WHERE Id = {0}\", post.GroupId);", "db.Database.ExecuteSqlRaw(\"UPDATE Groups SET PostsCount = PostsCount - 1 WHERE Id = {0}\", post.GroupId)")]
    public async Task WritesTiedToADependent_AreCandidates(string statements, string candidate)
    {
        var mapping = await ReadMappingAsync(Service(statements));

        Assert.Equal([candidate], CandidatesOutsideTheModel(mapping));
        Assert.True(mapping.MayBeRewritten(Entity(mapping, "Group")));
    }

    [Fact]
    public async Task RawSqlOnATableWithoutDependents_IsNotACandidate()
    {
        var mapping = await ReadMappingAsync(Service("db.Database.ExecuteSqlRaw(\"UPDATE Tags SET UpdatedAt = now()\");"));

        Assert.Empty(CandidatesOutsideTheModel(mapping));
    }

    [Theory]
    [InlineData("public void Adopt(Post post) { UpdatedAt = DateTime.UtcNow; }", true)]
    [InlineData("public void Adopt(Post? post) => this.UpdatedAt = DateTime.UtcNow;", true)]
    [InlineData("public void Touch() => UpdatedAt = DateTime.UtcNow;", false)]
    [InlineData("public void Rename(string name) { UpdatedAt = DateTime.UtcNow; }", false)]
    public async Task EntityMethod_IsACandidateOnlyWithADependentParameter(string method, bool candidate)
    {
        var mapping = await ReadMappingAsync(Service(string.Empty), method);

        Assert.Equal(candidate ? 1 : 0, mapping.BookkeepingCandidates.Length);
        Assert.Equal(candidate, mapping.MayBeRewritten(Entity(mapping, "Group")));
    }

    [Fact]
    public async Task CandidatesThatAreNotBookkeeping_LeaveTheCompletedModelWithoutWrites()
    {
        var compilation = await CompileAsync(Service("var group = db.Groups.Find(post.GroupId)!; group.Version = 7;"));
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));

        var model = EfModelReader.Read(compilation, symbols, CancellationToken.None);

        Assert.Empty(model.Bookkeeping);
    }

    private static string Service(string statements) => IncidentModel.Usings + $$"""
        public class Service
        {
            public void Run(Db db, Post post, long id)
            {
                {{statements}}
            }
        }
        """;

    private static IEnumerable<string> CandidatesOutsideTheModel(EfMapping mapping)
        => mapping.BookkeepingCandidates.Where(c => c.SyntaxTree.FilePath.EndsWith("Test1.cs", StringComparison.Ordinal)).Select(c => c.ToString());

    private static INamedTypeSymbol Entity(EfMapping mapping, string name) => mapping.EntityTypes.Single(e => e.Name == name);

    private static async Task<EfMapping> ReadMappingAsync(string service, string groupMethods = "")
    {
        var compilation = await CompileAsync(service, groupMethods);
        Assert.True(EfCoreSymbols.TryCreate(compilation, out var symbols));
        return EfModelReader.ReadMapping(compilation, symbols, CancellationToken.None);
    }

    private static async Task<Compilation> CompileAsync(string service, string groupMethods = "")
    {
        var project = await new AnalyzerTestCase(Model.Replace("METHODS", groupMethods, StringComparison.Ordinal), service) { IncludePrelude = false }.CreateProjectAsync();
        var compilation = (await project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }
}
