using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllReady.Models;

public class AllReadyContext : IdentityDbContext<ApplicationUser>
{
    public AllReadyContext(DbContextOptions<AllReadyContext> options) : base(options)
    {
    }

    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<AllReadyTask> Tasks => Set<AllReadyTask>();
    public DbSet<TaskSignup> TaskSignups => Set<TaskSignup>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        Map(modelBuilder.Entity<Campaign>());
        Map(modelBuilder.Entity<Event>());
        Map(modelBuilder.Entity<AllReadyTask>());
        Map(modelBuilder.Entity<TaskSignup>());
    }

    private static void Map(EntityTypeBuilder<Campaign> builder)
    {
        builder.HasMany(c => c.Events).WithOne(e => e.Campaign).HasForeignKey(e => e.CampaignId);
    }

    private static void Map(EntityTypeBuilder<Event> builder)
    {
        builder.HasMany(e => e.Tasks).WithOne(t => t.Event).HasForeignKey(t => t.EventId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void Map(EntityTypeBuilder<AllReadyTask> builder)
    {
        builder.HasMany(t => t.AssignedVolunteers).WithOne(s => s.Task).HasForeignKey(s => s.TaskId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void Map(EntityTypeBuilder<TaskSignup> builder)
    {
        builder.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId);
    }
}
