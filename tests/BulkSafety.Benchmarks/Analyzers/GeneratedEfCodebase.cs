using System.Globalization;
using System.Text;

namespace BulkSafety.Benchmarks.Analyzers;

/// <summary>
/// A synthetic EF Core application, generated in memory: entity types, one <c>DbContext</c>, and services that mostly do
/// ordinary work (queries, projections, validation, formatting, bounded loops, imports that save once) and, in every
/// <see cref="PatternEvery"/>-th service, one instance of each loop pattern; plus a few incident-shaped forums (a group
/// with a post counter, a touched timestamp and unbounded text, its posts, and a moderation loop that rewrites the group
/// per post). The expected diagnostics are known exactly.
/// </summary>
internal sealed class GeneratedEfCodebase
{
    /// <summary>Every n-th service carries one BS1001, one BS1002 and one BS1003.</summary>
    public const int PatternEvery = 4;

    private GeneratedEfCodebase(IReadOnlyList<(string Name, string Text)> files, int servicesWithPatterns, int forums)
    {
        Files = files;
        ServicesWithPatterns = servicesWithPatterns;
        Forums = forums;
    }

    /// <summary>The source files (name, text).</summary>
    public IReadOnlyList<(string Name, string Text)> Files { get; }

    /// <summary>How many services carry the three patterns; each adds exactly one diagnostic of each loop rule.</summary>
    public int ServicesWithPatterns { get; }

    /// <summary>How many incident-shaped forums there are; each adds exactly one BS2001, BS2002, BS3001 and BS3002.</summary>
    public int Forums { get; }

    /// <summary>Total source lines.</summary>
    public int LineCount => Files.Sum(f => f.Text.Count(c => c == '\n'));

    /// <summary>Generates <paramref name="entities"/> entity types with <paramref name="servicesPerEntity"/> services each, and <paramref name="forums"/> forums.</summary>
    public static GeneratedEfCodebase Create(int entities, int servicesPerEntity, int forums)
    {
        var files = new List<(string, string)>();
        var context = new StringBuilder("""
            using Microsoft.EntityFrameworkCore;

            namespace Generated.Model;

            public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
            {

            """);
        for (var e = 0; e < entities; e++)
        {
            files.Add(($"Model/Entity{e}.cs", Entity(e)));
            context.Append(CultureInfo.InvariantCulture, $"    public DbSet<Entity{e}> Entity{e}s => Set<Entity{e}>();\n");
        }

        for (var f = 0; f < forums; f++)
        {
            files.Add(($"Forums/Forum{f}.cs", Forum(f)));
            context.Append(CultureInfo.InvariantCulture, $"    public DbSet<Forum{f}Group> Forum{f}Groups => Set<Forum{f}Group>();\n");
            context.Append(CultureInfo.InvariantCulture, $"    public DbSet<Forum{f}Post> Forum{f}Posts => Set<Forum{f}Post>();\n");
        }

        context.Append("}\n");
        files.Add(("Model/AppDbContext.cs", context.ToString()));

        var withPatterns = 0;
        for (var e = 0; e < entities; e++)
        {
            for (var s = 0; s < servicesPerEntity; s++)
            {
                var patterns = (e * servicesPerEntity + s) % PatternEvery == 0;
                withPatterns += patterns ? 1 : 0;
                files.Add(($"Services/Entity{e}Service{s}.cs", Service(e, s, patterns)));
            }
        }

        return new GeneratedEfCodebase(files, withPatterns, forums);
    }

    private static string Entity(int e) => $$"""
        using System.ComponentModel.DataAnnotations;

        namespace Generated.Model;

        public sealed class Entity{{e}}
        {
            public long Id { get; set; }

            [MaxLength(200)]
            public string Name { get; set; } = "";

            [MaxLength(2000)]
            public string Description { get; set; } = "";

            public bool IsActive { get; set; }

            public decimal Amount { get; set; }

            public int Version { get; set; }

            public DateTime CreatedAt { get; set; }

            public DateTime UpdatedAt { get; set; }

            public long? ParentId { get; set; }

            public List<Entity{{e}}Line> Lines { get; set; } = new();
        }

        public sealed class Entity{{e}}Line
        {
            public long Id { get; set; }

            public long Entity{{e}}Id { get; set; }

            public int Quantity { get; set; }

            public decimal Price { get; set; }
        }
        """;

    // BS3001 on Group.Description (hot row), BS3002 on Post.Body, BS2001 on the Group-Post relationship (cascade by
    // convention), BS2002 on the ExecuteUpdate that rewrites the group once per post.
    private static string Forum(int f) => $$"""
        using System.ComponentModel.DataAnnotations;
        using Microsoft.EntityFrameworkCore;

        namespace Generated.Model;

        public sealed class Forum{{f}}Group
        {
            public long Id { get; set; }

            [MaxLength(200)]
            public string Name { get; set; } = "";

            public string Description { get; set; } = "";

            public int PostsCount { get; set; }

            public DateTime UpdatedAt { get; set; }

            public List<Forum{{f}}Post> Posts { get; set; } = new();
        }

        public sealed class Forum{{f}}Post
        {
            public long Id { get; set; }

            public long GroupId { get; set; }

            public Forum{{f}}Group Group { get; set; } = null!;

            public string Body { get; set; } = "";

            public bool IsSpam { get; set; }
        }

        public sealed class Forum{{f}}Moderation(AppDbContext db)
        {
            public async Task RemoveSpamAsync(long groupId, CancellationToken ct)
            {
                var spam = await db.Forum{{f}}Posts.Where(p => p.GroupId == groupId && p.IsSpam).ToListAsync(ct);
                foreach (var post in spam)
                {
                    await db.Forum{{f}}Groups.Where(g => g.Id == post.GroupId)
                        .ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1).SetProperty(g => g.UpdatedAt, DateTime.UtcNow), ct);
                }

                await db.Forum{{f}}Posts.Where(p => p.GroupId == groupId && p.IsSpam).ExecuteDeleteAsync(ct);
            }
        }
        """;

    private static string Service(int e, int s, bool patterns)
    {
        var type = $"Entity{e}";
        var set = $"db.{type}s";
        var builder = new StringBuilder($$"""
            using Generated.Model;
            using Microsoft.EntityFrameworkCore;

            namespace Generated.Services;

            public sealed record {{type}}Summary{{s}}(long Id, string Name, decimal Total);

            public sealed class {{type}}Service{{s}}(AppDbContext db)
            {
                private const int PageSize = 50;

                public List<{{type}}> Recent(int take)
                    => {{set}}.AsNoTracking().OrderByDescending(x => x.CreatedAt).Take(take).ToList();

                public async Task<int> CountActiveAsync(CancellationToken ct)
                    => await {{set}}.CountAsync(x => x.IsActive, ct);

                public async Task<List<{{type}}Summary{{s}}>> PageAsync(int page, CancellationToken ct)
                    => await {{set}}
                        .Where(x => x.IsActive)
                        .OrderBy(x => x.Id)
                        .Skip(page * PageSize)
                        .Take(PageSize)
                        .Select(x => new {{type}}Summary{{s}}(x.Id, x.Name, x.Lines.Sum(l => l.Price * l.Quantity)))
                        .ToListAsync(ct);

                public {{type}}? Find(long id) => {{set}}.Find(id);

                public bool Rename(long id, string name)
                {
                    if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
                    {
                        return false;
                    }

                    var entity = {{set}}.Find(id);
                    if (entity is null)
                    {
                        return false;
                    }

                    entity.Name = name.Trim();
                    entity.UpdatedAt = DateTime.UtcNow;
                    entity.Version++;
                    db.SaveChanges();
                    return true;
                }

                public decimal TopTotal()
                {
                    decimal total = 0;
                    foreach (var entity in {{set}}.Include(x => x.Lines).OrderByDescending(x => x.Amount).Take(PageSize).ToList())
                    {
                        foreach (var line in entity.Lines)
                        {
                            total += line.Price * line.Quantity;
                        }

                        if (entity.Amount > 1000)
                        {
                            total -= entity.Amount / 100;
                        }
                    }

                    return total;
                }

                public int Import(IEnumerable<string> names)
                {
                    var count = 0;
                    foreach (var name in names)
                    {
                        if (name.Length == 0)
                        {
                            continue;
                        }

                        {{set}}.Add(new {{type}} { Name = name, CreatedAt = DateTime.UtcNow, IsActive = true });
                        count++;
                    }

                    db.SaveChanges();
                    return count;
                }

                public async Task<int> ArchiveOldAsync(DateTime cutoff, CancellationToken ct)
                    => await {{set}}.Where(x => x.UpdatedAt < cutoff).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false), ct);

                public static string Describe({{type}} entity)
                {
                    var state = entity.IsActive ? "active" : "inactive";
                    var size = entity.Amount switch
                    {
                        < 0 => "negative",
                        0 => "empty",
                        < 100 => "small",
                        < 10_000 => "medium",
                        _ => "large",
                    };
                    return $"{entity.Name} ({state}, {size}, v{entity.Version})";
                }

                public static IReadOnlyList<string> Validate({{type}} entity)
                {
                    var errors = new List<string>();
                    if (string.IsNullOrEmpty(entity.Name))
                    {
                        errors.Add("name is required");
                    }

                    if (entity.Description.Length > 2000)
                    {
                        errors.Add("description is too long");
                    }

                    if (entity.Amount < 0 && entity.IsActive)
                    {
                        errors.Add("an active entity cannot have a negative amount");
                    }

                    foreach (var line in entity.Lines)
                    {
                        if (line.Quantity <= 0)
                        {
                            errors.Add($"line {line.Id}: quantity must be positive");
                        }
                    }

                    return errors;
                }

                public static Dictionary<bool, decimal> Totals(IEnumerable<{{type}}> entities)
                    => entities.GroupBy(x => x.IsActive).ToDictionary(g => g.Key, g => g.Sum(x => x.Amount));

            """);
        if (patterns)
        {
            builder.Append($$"""

                public int PurgeInactive()
                {
                    foreach (var entity in {{set}}.Where(x => !x.IsActive).ToList())
                    {
                        {{set}}.Remove(entity);
                    }

                    return db.SaveChanges();
                }

                public async Task TouchAllAsync(IEnumerable<long> ids, CancellationToken ct)
                {
                    foreach (var id in ids)
                    {
                        var entity = await {{set}}.FindAsync([id], ct);
                        if (entity is not null)
                        {
                            entity.UpdatedAt = DateTime.UtcNow;
                            await db.SaveChangesAsync(ct);
                        }
                    }
                }

                public void DeactivateNegative()
                {
                    foreach (var entity in {{set}}.Where(x => x.Amount < 0))
                    {
                        entity.IsActive = false;
                        entity.Version += 1;
                    }

                    db.SaveChanges();
                }

            """);
        }

        builder.Append("}\n");
        return builder.ToString();
    }
}
