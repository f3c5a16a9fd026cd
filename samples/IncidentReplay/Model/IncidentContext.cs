using Microsoft.EntityFrameworkCore;

namespace IncidentReplay.Model;

/// <summary>
/// The incident's schema, with Rails' <c>counter_cache</c> and <c>touch</c> kept in a SaveChanges override: every
/// added or deleted post or membership changes its group's counter and <c>UpdatedAt</c>. EF coalesces all changes of
/// one SaveChanges into one UPDATE per group, so saving once per child rewrites the wide group row once per child.
/// </summary>
public sealed class IncidentContext(DbContextOptions<IncidentContext> options) : DbContext(options)
{
    public DbSet<Group> Groups => Set<Group>();

    public DbSet<Post> Posts => Set<Post>();

    public DbSet<Membership> Memberships => Set<Membership>();

    /// <summary>The clock the touch uses.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        MaintainCountersAndTouch();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        MaintainCountersAndTouch();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Group>().ToTable("groups");
        modelBuilder.Entity<Post>().ToTable("posts");
        modelBuilder.Entity<Membership>().ToTable("memberships");
    }

    private void MaintainCountersAndTouch()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        foreach (var entry in ChangeTracker.Entries().ToList())
        {
            var delta = entry.State switch
            {
                EntityState.Added => 1,
                EntityState.Deleted => -1,
                _ => 0,
            };
            if (delta == 0)
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Post post when ParentOf(post.Group, post.GroupId) is { } group:
                    group.PostsCount += delta;
                    group.UpdatedAt = now;
                    break;
                case Membership membership when ParentOf(membership.Group, membership.GroupId) is { } group:
                    group.MembershipsCount += delta;
                    group.UpdatedAt = now;
                    break;
            }
        }
    }

    // The parent row to maintain: skipped when it is being added (its counters start from its children) or deleted.
    private Group? ParentOf(Group? loaded, long groupId)
    {
        var group = loaded ?? Groups.Find(groupId);
        return group is not null && Entry(group).State is EntityState.Unchanged or EntityState.Modified ? group : null;
    }
}
