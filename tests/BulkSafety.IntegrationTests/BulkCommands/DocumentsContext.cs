using BulkSafety.Budgets;
using BulkSafety.Configuration;
using BulkSafety.Interception;
using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.IntegrationTests.BulkCommands;

/// <summary>A document: a narrow key, an owner to filter by, a bounded title, unbounded text and a counter.</summary>
public sealed class Document
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>What the bulk commands filter by.</summary>
    public long OwnerId { get; set; }

    /// <summary>A bounded title.</summary>
    public required string Title { get; set; }

    /// <summary>Unbounded text (TOASTed above ~2 KB).</summary>
    public string? Body { get; set; }

    /// <summary>A counter that updates touch.</summary>
    public int Views { get; set; }

    /// <summary>The folder the document is filed in, if any; deleting the folder deletes it (ON DELETE CASCADE).</summary>
    public long? FolderId { get; set; }
}

/// <summary>A folder of documents: the principal of a database cascade.</summary>
public sealed class Folder
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>A name.</summary>
    public required string Name { get; set; }
}

/// <summary>The documents table in its own schema (<c>bulk</c>), recreated by each test.</summary>
public sealed class DocumentsContext(DbContextOptions<DocumentsContext> options) : DbContext(options)
{
    /// <summary>The schema the table lives in.</summary>
    public const string Schema = "bulk";

    /// <summary>The documents.</summary>
    public DbSet<Document> Documents => Set<Document>();

    /// <summary>The folders.</summary>
    public DbSet<Folder> Folders => Set<Folder>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<Document>(document =>
        {
            document.ToTable("documents");
            document.Property(d => d.Title).HasMaxLength(200);
            document.HasIndex(d => d.OwnerId);
            document.HasOne<Folder>().WithMany().HasForeignKey(d => d.FolderId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Folder>().ToTable("folders").Property(f => f.Name).HasMaxLength(200);
    }
}

/// <summary>
/// A guarded application on the fixture's PostgreSQL: its own BulkSafety ledger (AddBulkSafety), a context factory with
/// UseBulkSafety, and an unguarded context for setup and counting.
/// </summary>
public sealed class GuardedDocuments : IDisposable
{
    private readonly PostgresServer server;
    private readonly ServiceProvider services;

    private GuardedDocuments(PostgresServer server, Action<BulkSafetyOptions>? configure)
    {
        this.server = server;
        services = new ServiceCollection()
            .AddBulkSafety(configure)
            .AddDbContextFactory<DocumentsContext>(options => options.UseNpgsql(server.ConnectionString).UseBulkSafety())
            .BuildServiceProvider();
    }

    /// <summary>The ledger the guarded contexts record into.</summary>
    internal BulkSafetyLedger Ledger => services.GetRequiredService<BulkSafetyRegistration>().Ledger;

    /// <summary>Recreates the schema and table (optionally with REPLICA IDENTITY FULL) and returns the application.</summary>
    public static async Task<GuardedDocuments> CreateAsync(PostgresServer server, Action<BulkSafetyOptions>? configure = null, bool replicaIdentityFull = false)
    {
        await server.ExecuteAsync($"DROP SCHEMA IF EXISTS {DocumentsContext.Schema} CASCADE");
        await server.ExecuteAsync($"CREATE SCHEMA {DocumentsContext.Schema}");
        var documents = new GuardedDocuments(server, configure);
        await using var context = documents.Unguarded();
        await context.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
        if (replicaIdentityFull)
        {
            await server.ExecuteAsync($"ALTER TABLE {DocumentsContext.Schema}.documents REPLICA IDENTITY FULL");
        }

        return documents;
    }

    /// <summary>A guarded context.</summary>
    public DocumentsContext Guarded() => services.GetRequiredService<IDbContextFactory<DocumentsContext>>().CreateDbContext();

    /// <summary>A context without the guard.</summary>
    public DocumentsContext Unguarded() => new(new DbContextOptionsBuilder<DocumentsContext>().UseNpgsql(server.ConnectionString).Options);

    /// <summary>Inserts <paramref name="count"/> documents of <paramref name="owner"/> (filed in <paramref name="folder"/>) with
    /// bodies of random, incompressible text of <paramref name="bodyBytes"/> bytes, and refreshes the planner's statistics.</summary>
    public async Task SeedAsync(long owner, int count, int bodyBytes, long? folder = null)
    {
        await using (var context = Unguarded())
        {
            var random = new Random((int)owner);
            for (var i = 0; i < count; i++)
            {
                context.Documents.Add(new Document { OwnerId = owner, Title = $"document {i}", Body = RandomText(random, bodyBytes), FolderId = folder });
            }

            await context.SaveChangesAsync();
        }

        await server.ExecuteAsync($"ANALYZE {DocumentsContext.Schema}.documents");
    }

    /// <summary>Creates a folder and returns its id.</summary>
    public async Task<long> AddFolderAsync(string name)
    {
        await using var context = Unguarded();
        var folder = new Folder { Name = name };
        context.Folders.Add(folder);
        await context.SaveChangesAsync();
        return folder.Id;
    }

    /// <summary>Inserts <paramref name="count"/> small documents server-side (fast for large counts) and analyzes.</summary>
    public async Task SeedManyAsync(long owners, int count)
    {
        await server.ExecuteAsync(
            $"INSERT INTO {DocumentsContext.Schema}.documents (\"OwnerId\", \"Title\", \"Body\", \"Views\") SELECT g % {owners}, 'document ' || g, md5(g::text), 0 FROM generate_series(1, {count}) g");
        await server.ExecuteAsync($"ANALYZE {DocumentsContext.Schema}.documents");
    }

    /// <summary>The documents in the table now.</summary>
    public async Task<long> CountAsync()
    {
        await using var context = Unguarded();
        return await context.Documents.LongCountAsync();
    }

    /// <inheritdoc />
    public void Dispose() => services.Dispose();

    // Letters drawn at random: pglz finds no repeats, so PostgreSQL stores (and logs) every byte.
    private static string RandomText(Random random, int bytes)
        => string.Create(bytes, random, static (chars, generator) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + generator.Next(26));
            }
        });
}
