using Microsoft.EntityFrameworkCore;

namespace PatternGallery.Model;

/// <summary>A community site's groups, in the shape of the incident: groups with many posts and memberships.</summary>
public sealed class Group
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public bool IsSpam { get; set; }

    public int PostsCount { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<Post> Posts { get; set; } = [];

    public List<Membership> Memberships { get; set; } = [];
}

public sealed class Post
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group Group { get; set; } = null!;

    public string Title { get; set; } = "";

    public bool IsHidden { get; set; }

    public int Score { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class Membership
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public Group Group { get; set; } = null!;

    public long UserId { get; set; }
}

public sealed class GalleryContext(DbContextOptions<GalleryContext> options) : DbContext(options)
{
    public DbSet<Group> Groups => Set<Group>();

    public DbSet<Post> Posts => Set<Post>();

    public DbSet<Membership> Memberships => Set<Membership>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Group>().Property(g => g.Name).HasMaxLength(200);
        modelBuilder.Entity<Post>().Property(p => p.Title).HasMaxLength(200);
    }
}
