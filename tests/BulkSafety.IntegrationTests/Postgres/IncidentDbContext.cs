using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>A group of the incident: the hot row whose counter and timestamp every child rewrites.</summary>
public sealed class Group
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>Display name.</summary>
    public required string Name { get; set; }

    /// <summary>The unbounded text (50-100 KB in the incident).</summary>
    public string? Description { get; set; }

    /// <summary>A cached HTML copy of the description (NULL here).</summary>
    public string? DescriptionHtml { get; set; }

    /// <summary>Counter cache of the group's posts.</summary>
    public int PostsCount { get; set; }

    /// <summary>Counter cache of the group's memberships.</summary>
    public int MembershipsCount { get; set; }

    /// <summary>Counter cache of the group's tracks.</summary>
    public int TracksCount { get; set; }

    /// <summary>Creation time.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Touched on every child change.</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A child post of a group.</summary>
public sealed class Post
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>The owning group.</summary>
    public long GroupId { get; set; }

    /// <summary>Body text (200 bytes here).</summary>
    public required string Body { get; set; }

    /// <summary>Creation time.</summary>
    public DateTime CreatedAt { get; set; }
}

/// <summary>EF Core's view of the incident tables that <see cref="IncidentWorkloads"/> creates (schema <c>gt</c>), so that
/// WAL can be measured for real EF round trips as well as for SQL text.</summary>
public sealed class IncidentDbContext(DbContextOptions<IncidentDbContext> options) : DbContext(options)
{
    /// <summary>The groups.</summary>
    public DbSet<Group> Groups => Set<Group>();

    /// <summary>The posts.</summary>
    public DbSet<Post> Posts => Set<Post>();

    /// <summary>A context on <paramref name="server"/>.</summary>
    public static IncidentDbContext Create(PostgresServer server) =>
        new(new DbContextOptionsBuilder<IncidentDbContext>().UseNpgsql(server.ConnectionString).Options);

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(IncidentWorkloads.PlainSchema);
        modelBuilder.Entity<Group>(group =>
        {
            group.ToTable("groups");
            group.Property(g => g.Id).HasColumnName("id").ValueGeneratedNever();
            group.Property(g => g.Name).HasColumnName("name").HasMaxLength(255);
            group.Property(g => g.Description).HasColumnName("description");
            group.Property(g => g.DescriptionHtml).HasColumnName("description_html");
            group.Property(g => g.PostsCount).HasColumnName("posts_count");
            group.Property(g => g.MembershipsCount).HasColumnName("memberships_count");
            group.Property(g => g.TracksCount).HasColumnName("tracks_count");
            group.Property(g => g.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp without time zone");
            group.Property(g => g.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp without time zone");
        });
        modelBuilder.Entity<Post>(post =>
        {
            post.ToTable("posts");
            post.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            post.Property(p => p.GroupId).HasColumnName("group_id");
            post.Property(p => p.Body).HasColumnName("body");
            post.Property(p => p.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp without time zone");
        });
    }
}
