using System.Text;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace IncidentReplay;

/// <summary>
/// An in-memory SQLite database shaped like the incident: spam groups with 5–50 KB descriptions plus a cached HTML copy
/// in the same row, each with hundreds of posts and memberships. Seeded once (deterministically), then copied for each
/// run so that every run cleans up the same data.
/// </summary>
public sealed class IncidentDatabase : IDisposable
{
    private const int Seed = 2011_08_01;
    private readonly SqliteConnection _template = new("Data Source=:memory:");

    private IncidentDatabase()
    {
        _template.Open();
    }

    public int Groups { get; private set; }

    public int Posts { get; private set; }

    public int Memberships { get; private set; }

    public long DescriptionBytes { get; private set; }

    public static IncidentDatabase Create(int groups, IProgress<int>? progress = null)
    {
        var database = new IncidentDatabase();
        using var context = database.Unguarded(database._template);
        context.Database.EnsureCreated();
        var random = new Random(Seed);
        var now = new DateTime(2011, 7, 6, 12, 0, 0, DateTimeKind.Utc);
        for (var g = 0; g < groups; g++)
        {
            var description = Words(random, random.Next(5 * 1024, (50 * 1024) + 1));
            var group = new Group
            {
                Name = $"cheap-followers-{g + 1}",
                Description = description,
                DescriptionHtml = $"<div class=\"description\"><p>{description.Replace("\n", "</p><p>", StringComparison.Ordinal)}</p></div>",
                CreatedAt = now,
                UpdatedAt = now,
            };
            for (var p = random.Next(100, 401); p > 0; p--)
            {
                group.Posts.Add(new Post { AuthorId = random.Next(1, 100_000), Body = Words(random, random.Next(80, 400)), CreatedAt = now });
            }

            for (var m = random.Next(50, 201); m > 0; m--)
            {
                group.Memberships.Add(new Membership { UserId = random.Next(1, 100_000), CreatedAt = now });
            }

            group.PostsCount = group.Posts.Count;
            group.MembershipsCount = group.Memberships.Count;
            context.Groups.Add(group);
            context.SaveChanges();
            context.ChangeTracker.Clear();
            database.Groups++;
            database.Posts += group.PostsCount;
            database.Memberships += group.MembershipsCount;
            database.DescriptionBytes += Encoding.UTF8.GetByteCount(description);
            progress?.Report(g + 1);
        }

        return database;
    }

    /// <summary>A fresh copy of the seeded database on its own open connection.</summary>
    public SqliteConnection Copy()
    {
        var copy = new SqliteConnection("Data Source=:memory:");
        copy.Open();
        _template.BackupDatabase(copy);
        return copy;
    }

    /// <summary>A context without the guard, for counting what is left.</summary>
    public IncidentContext Unguarded(SqliteConnection connection)
        => new(new DbContextOptionsBuilder<IncidentContext>().UseSqlite(connection).Options);

    public void Dispose() => _template.Dispose();

    // Spam text: incompressible enough that its size is its size.
    private static string Words(Random random, int bytes)
    {
        var text = new StringBuilder(bytes + 16);
        while (text.Length < bytes)
        {
            for (var letters = random.Next(2, 10); letters > 0; letters--)
            {
                text.Append((char)('a' + random.Next(26)));
            }

            text.Append(random.Next(12) == 0 ? '\n' : ' ');
        }

        return text.ToString(0, bytes);
    }
}
