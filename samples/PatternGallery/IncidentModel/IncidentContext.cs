using Microsoft.EntityFrameworkCore;

namespace PatternGallery.IncidentModel;

/// <summary>
/// The incident's Rails idioms in EF Core: cascade delete of posts and memberships (<c>dependent: :destroy</c>), a
/// counter cache per association (<c>counter_cache</c>) and a touch of the group (<c>touch: true</c>), kept in a
/// SaveChanges override. Each is "best practice" alone; together they rewrite the wide group row once per child.
/// </summary>
public class IncidentContext(DbContextOptions<IncidentContext> options) : DbContext(options)
{
    public DbSet<Group> Groups => Set<Group>();

    public DbSet<Post> Posts => Set<Post>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        KeepGroupBookkeeping();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        KeepGroupBookkeeping();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Group>()
            .HasMany(g => g.Memberships)
            .WithOne(m => m.Group)
            .HasForeignKey(m => m.GroupId)
            .OnDelete(DeleteBehavior.Cascade);

    private void KeepGroupBookkeeping()
    {
        var now = DateTime.UtcNow;
        foreach (var entry in ChangeTracker.Entries<Post>())
        {
            var delta = entry.State switch { EntityState.Added => 1, EntityState.Deleted => -1, _ => 0 };
            if (delta == 1)
            {
                entry.Entity.Group.PostsCount++;
            }
            else if (delta == -1)
            {
                entry.Entity.Group.PostsCount--;
            }

            entry.Entity.Group.UpdatedAt = now;
        }

        foreach (var entry in ChangeTracker.Entries<Membership>().Where(e => e.State == EntityState.Deleted))
        {
            entry.Entity.Group.MembershipsCount--;
            entry.Entity.Group.UpdatedAt = now;
        }
    }
}
