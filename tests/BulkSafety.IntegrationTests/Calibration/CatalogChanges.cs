using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The catalog's workloads (<see cref="IncidentWorkloads"/>) as an EF application writes them, one change per SaveChanges:
/// the per-child loop saves once per child (EF folds the counter and the touch into one UPDATE of the group), the
/// set-based alternative deletes the tracked posts and updates the group in one SaveChanges, and the cascade deletes a
/// group whose posts and memberships EF does not track (the database deletes them). Shared by the EF-path calibrations
/// on PostgreSQL (<c>EfCoreWalCalibrationTests</c>) and MariaDB (<c>EfCoreBinlogCalibrationTests</c>).
/// </summary>
internal static class CatalogChanges
{
    /// <summary>The shapes an EF application can write (the no-op update and the delete of nothing send no SQL).</summary>
    public static IReadOnlyList<WorkloadShape> Shapes { get; } =
    [
        WorkloadShape.InsertGroup, WorkloadShape.UpdateCounter, WorkloadShape.TouchGroup, WorkloadShape.DeleteGroup, WorkloadShape.DeleteChild,
        WorkloadShape.PerChildLoop, WorkloadShape.SetBased, WorkloadShape.CascadeDelete,
    ];

    /// <summary>
    /// The changes of <paramref name="shape"/>, each to be followed by one SaveChanges, on the <paramref name="group"/> and
    /// <paramref name="posts"/> the context tracks (none for an insert); <paramref name="now"/> stamps the timestamps in the
    /// form the provider stores.
    /// </summary>
    public static IEnumerable<Action> For(CatalogDbContext context, WorkloadShape shape, TextSize text, Group? group, IReadOnlyList<Post> posts, Func<DateTime> now)
        => shape switch
        {
            WorkloadShape.InsertGroup =>
            [
                () => context.Groups.Add(new Group
                {
                    Id = IncidentWorkloads.GroupId + 1,
                    Name = IncidentWorkloads.GroupName,
                    Description = IncidentWorkloads.Description(text.Bytes),
                    CreatedAt = now(),
                    UpdatedAt = now(),
                }),
            ],
            WorkloadShape.UpdateCounter => [() => group!.PostsCount--],
            WorkloadShape.TouchGroup => [() => group!.UpdatedAt = now()],
            WorkloadShape.DeleteGroup or WorkloadShape.CascadeDelete => [() => context.Groups.Remove(group!)],
            WorkloadShape.DeleteChild => [() => context.Posts.Remove(posts[0])],
            WorkloadShape.PerChildLoop => posts.Select<Post, Action>(post => () =>
            {
                context.Posts.Remove(post);
                group!.PostsCount--;
                group.UpdatedAt = now();
            }),
            WorkloadShape.SetBased =>
            [
                () =>
                {
                    context.Posts.RemoveRange(posts);
                    group!.PostsCount -= posts.Count;
                    group.UpdatedAt = now();
                },
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
}
