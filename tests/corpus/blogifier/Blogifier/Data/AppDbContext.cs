using Blogifier.Identity;
using Blogifier.Options;
using Blogifier.Shared;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Blogifier.Data;

public class AppDbContext : IdentityUserContext<UserInfo>
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options)
    {
    }

    public DbSet<OptionInfo> Options { get; set; } = default!;
    public DbSet<Post> Posts { get; set; } = default!;
    public DbSet<Category> Categories { get; set; } = default!;
    public DbSet<PostCategory> PostCategories { get; set; } = default!;
    public DbSet<Subscriber> Subscribers { get; set; } = default!;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<OptionInfo>(e =>
        {
            e.ToTable("Options");
            e.HasKey(o => o.Key);
        });

        modelBuilder.Entity<Post>(e =>
        {
            e.ToTable("Posts");
            e.HasIndex(b => b.Slug).IsUnique();
        });

        modelBuilder.Entity<Category>(e => e.ToTable("Categories"));

        modelBuilder.Entity<PostCategory>(e =>
        {
            e.ToTable("PostCategories");
            e.HasKey(t => new { t.PostId, t.CategoryId });
        });

        modelBuilder.Entity<Subscriber>(e => e.ToTable("Subscribers"));
    }
}
