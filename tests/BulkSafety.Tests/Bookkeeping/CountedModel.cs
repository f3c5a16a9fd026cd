using System.ComponentModel.DataAnnotations;
using BulkSafety.Bookkeeping;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// The incident's schema with its bookkeeping declared instead of hand-written: a wide group row with two counter
/// caches and a touched timestamp, posts and memberships that keep them, and authors that count their posts too (a
/// post has two parents).
/// </summary>
public sealed class CountedContext(DbContextOptions<CountedContext> options) : DbContext(options)
{
    public DbSet<CountedGroup> Groups => Set<CountedGroup>();

    public DbSet<CountedPost> Posts => Set<CountedPost>();

    public DbSet<CountedMembership> Memberships => Set<CountedMembership>();

    public DbSet<CountedAuthor> Authors => Set<CountedAuthor>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CountedGroup>().ToTable("groups");
        modelBuilder.Entity<CountedAuthor>().ToTable("authors");
        modelBuilder.Entity<CountedPost>().ToTable("posts")
            .HasCounterCache(p => p.Group, g => g.PostsCount)
            .Touches(p => p.Group, g => g.UpdatedAt)
            .HasCounterCache(p => p.Author, a => a.PostsCount)
            .Touches(p => p.Author, a => a.LastPostAt);
        modelBuilder.Entity<CountedMembership>().ToTable("memberships")
            .HasCounterCache(m => m.Group, g => g.MembershipsCount)
            .Touches(m => m.Group, g => g.UpdatedAt);
    }
}

/// <summary>The wide parent: unbounded description and its HTML copy, an int and a long counter, a DateTime touch.</summary>
public sealed class CountedGroup
{
    public long Id { get; set; }

    [MaxLength(200)]
    public required string Name { get; set; }

    public required string Description { get; set; }

    public string? DescriptionHtml { get; set; }

    public int PostsCount { get; set; }

    public long MembershipsCount { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<CountedPost> Posts { get; } = [];

    public List<CountedMembership> Memberships { get; } = [];
}

public sealed class CountedPost
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public CountedGroup? Group { get; set; }

    /// <summary>Optional: a post without an author counts for its group only.</summary>
    public long? AuthorId { get; set; }

    public CountedAuthor? Author { get; set; }

    [MaxLength(2000)]
    public required string Body { get; set; }
}

public sealed class CountedMembership
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public CountedGroup? Group { get; set; }

    public long UserId { get; set; }
}

/// <summary>A second parent of posts, with a nullable DateTimeOffset touch.</summary>
public sealed class CountedAuthor
{
    public long Id { get; set; }

    [MaxLength(100)]
    public required string Name { get; set; }

    public int PostsCount { get; set; }

    public DateTimeOffset? LastPostAt { get; set; }

    public List<CountedPost> Posts { get; } = [];
}
