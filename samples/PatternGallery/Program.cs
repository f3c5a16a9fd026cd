using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PatternGallery;
using PatternGallery.Model;
using PatternGallery.Patterns;

// Each pattern next to its safe version, on a fresh in-memory SQLite database, with the statements EF Core sent.
// `dotnet build` shows BS1001/BS1002/BS1003 on the naive versions; `dotnet run` shows what they cost.
const int SpamGroups = 3;
const int NormalGroups = 2;
const int PostsPerGroup = 200;
var counter = new WriteCounter();
var ct = CancellationToken.None;

Console.WriteLine($"BulkSafety pattern gallery: SQLite in memory, {SpamGroups} spam + {NormalGroups} normal groups, {PostsPerGroup} posts each.");
Console.WriteLine();
Console.WriteLine($"{"rule",-7}{"version",-46}{"rows",6}{"saves",7}{"INSERT",8}{"UPDATE",8}{"DELETE",8}{"commands",10}");

await RunAsync("BS1001", "naive: destroy each spam group one by one", db => Task.FromResult(DeleteLoops.DestroySpamGroupsOneByOne(db, SpamGroupIds(db))));
await RunAsync("BS1001", "safe: posts in 500-row batches, one save each", db => DeleteLoops.DeleteSpamPostsInBatchesAsync(db, ct));
await RunAsync("BS1001", "safe: posts in 500-row ExecuteDelete batches", db => DeleteLoops.ExecuteDeleteSpamPostsInBatchesAsync(db, ct));
await RunAsync("BS1002", "naive: import, one transaction per post", db => SaveLoops.ImportPostsOneTransactionEachAsync(db, 1, Titles(1000), ct));
await RunAsync("BS1002", "safe: import, one save per 500-post chunk", db => SaveLoops.ImportPostsInChunksAsync(db, 1, Titles(1000), ct));
await RunAsync("BS1003", "naive: load each spam post to hide it", db => Task.FromResult(UpdateLoops.HideSpamPostsOneByOne(db)));
await RunAsync("BS1003", "safe: one ExecuteUpdate", db => Task.FromResult(UpdateLoops.HideSpamPosts(db)));

Console.WriteLine();
Console.WriteLine("rows: rows the version reported as changed. saves: SaveChanges calls, each its own transaction.");
Console.WriteLine("INSERT/UPDATE/DELETE: statements in the SQL EF Core sent. commands: round trips, reads included.");

async Task RunAsync(string rule, string version, Func<GalleryContext, Task<int>> pattern)
{
    using var connection = new SqliteConnection("Data Source=:memory:");
    connection.Open();
    var options = new DbContextOptionsBuilder<GalleryContext>().UseSqlite(connection).AddInterceptors(counter).Options;
    using (var setup = new GalleryContext(options))
    {
        setup.Database.EnsureCreated();
        Seed(setup);
    }

    counter.Reset();
    using var db = new GalleryContext(options);
    var rows = await pattern(db);
    Console.WriteLine($"{rule,-7}{version,-46}{rows,6}{counter.Saves,7}{counter.Inserts,8}{counter.Updates,8}{counter.Deletes,8}{counter.Commands,10}");
}

static void Seed(GalleryContext db)
{
    for (var g = 0; g < SpamGroups + NormalGroups; g++)
    {
        var group = new Group { Name = $"group {g}", IsSpam = g < SpamGroups, PostsCount = PostsPerGroup, UpdatedAt = DateTime.UtcNow };
        group.Posts.AddRange(Enumerable.Range(0, PostsPerGroup).Select(p => new Post { Title = $"post {p}", Score = p % 7, CreatedAt = DateTime.UtcNow }));
        db.Groups.Add(group);
    }

    db.SaveChanges();
}

static List<long> SpamGroupIds(GalleryContext db) => db.Groups.Where(g => g.IsSpam).Select(g => g.Id).ToList();

static IEnumerable<string> Titles(int count) => Enumerable.Range(0, count).Select(i => $"imported {i}");
