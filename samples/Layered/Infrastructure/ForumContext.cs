using Layered.Domain;
using Microsoft.EntityFrameworkCore;

namespace Layered.Infrastructure;

/// <summary>The forum's context: maps the Domain's entities and keeps each group's post counter and timestamp.</summary>
public sealed class ForumContext(DbContextOptions<ForumContext> options) : DbContext(options)
{
    public DbSet<Group> Groups => Set<Group>();

    public DbSet<Post> Posts => Set<Post>();     // BS3002: Post.Body (declared in Domain) is unbounded

    /// <summary>Each deleted post decrements and touches its group: with a cascade, one group row rewritten per post.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        foreach (var entry in ChangeTracker.Entries<Post>())
        {
            if (entry.State == EntityState.Deleted)
            {
                entry.Entity.Group.PostsCount--;
                entry.Entity.Group.UpdatedAt = DateTime.UtcNow;
            }
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.ApplyConfigurationsFromAssembly(typeof(ForumContext).Assembly);
}
