using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace IncidentReplay;

/// <summary>
/// An in-memory SQLite database shaped like the incident (<see cref="IncidentSeed"/>). Seeded once, then copied for each
/// run so that every run cleans up the same data.
/// </summary>
public sealed class IncidentDatabase : IDisposable
{
    private readonly SqliteConnection _template = new("Data Source=:memory:");
    private SeededRows _seeded = new(0, 0, 0, 0);

    private IncidentDatabase()
    {
        _template.Open();
    }

    public int Groups => _seeded.Groups;

    public int Posts => _seeded.Posts;

    public int Memberships => _seeded.Memberships;

    public long DescriptionBytes => _seeded.DescriptionBytes;

    public static IncidentDatabase Create(int groups, IProgress<int>? progress = null)
    {
        var database = new IncidentDatabase();
        using var context = database.Unguarded(database._template);
        context.Database.EnsureCreated();
        database._seeded = IncidentSeed.Fill(context, groups, progress);
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
}
