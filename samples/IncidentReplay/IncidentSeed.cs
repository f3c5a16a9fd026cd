using System.Text;
using IncidentReplay.Model;

namespace IncidentReplay;

/// <summary>
/// The incident's data, on any database: spam groups with 5–50 KB descriptions plus a cached HTML copy in the same row,
/// each with hundreds of posts and memberships, the same rows for the same count of groups (a fixed seed).
/// </summary>
public static class IncidentSeed
{
    private const int Seed = 2011_08_01;

    /// <summary>Adds <paramref name="groups"/> groups with their children through <paramref name="context"/>, one SaveChanges per group.</summary>
    public static SeededRows Fill(IncidentContext context, int groups, IProgress<int>? progress = null)
    {
        var seeded = new SeededRows(0, 0, 0, 0);
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
            seeded = new SeededRows(
                seeded.Groups + 1, seeded.Posts + group.PostsCount, seeded.Memberships + group.MembershipsCount, seeded.DescriptionBytes + Encoding.UTF8.GetByteCount(description));
            progress?.Report(g + 1);
        }

        return seeded;
    }

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

/// <summary>What <see cref="IncidentSeed.Fill"/> added.</summary>
public sealed record SeededRows(int Groups, int Posts, int Memberships, long DescriptionBytes);
