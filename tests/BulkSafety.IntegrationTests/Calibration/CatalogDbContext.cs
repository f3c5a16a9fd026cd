using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>A membership of a group (the catalog's third table).</summary>
public sealed class Membership
{
    /// <summary>Primary key.</summary>
    public long Id { get; set; }

    /// <summary>The group.</summary>
    public long GroupId { get; set; }

    /// <summary>The member.</summary>
    public long UserId { get; set; }
}

/// <summary>
/// EF Core's view of all three catalog tables in one schema: <c>gt</c> (no foreign keys) or <c>gtc</c>, where the model
/// declares what the database has — posts and memberships go with their group by <c>ON DELETE CASCADE</c> — so that
/// the guard knows the database will delete children it does not track. The model declares the columns in the
/// tables' physical order, as EF Core's migrations would have created them, and the store types the tables have where the
/// provider's default mapping differs (<c>posts.body</c> is TEXT on MariaDB, not LONGTEXT; timestamps on PostgreSQL are
/// without time zone). Other providers' factories are in partial files of the test projects that reference them.
/// </summary>
public sealed partial class CatalogDbContext(DbContextOptions<CatalogDbContext> options, string schema) : DbContext(options)
{
    /// <summary>The schema this context maps.</summary>
    public string Schema { get; } = schema;

    /// <summary>The groups.</summary>
    public DbSet<Group> Groups => Set<Group>();

    /// <summary>The posts.</summary>
    public DbSet<Post> Posts => Set<Post>();

    /// <summary>The memberships.</summary>
    public DbSet<Membership> Memberships => Set<Membership>();

    /// <summary>A context on <paramref name="server"/>'s <paramref name="schema"/>, guarded with <paramref name="configure"/>.</summary>
    public static CatalogDbContext Create(PostgresServer server, string schema, Action<BulkSafetyOptions> configure) =>
        new(new DbContextOptionsBuilder<CatalogDbContext>()
            .UseNpgsql(server.ConnectionString)
            .ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKey>()
            .UseBulkSafety(configure)
            .Options, schema);

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        var timestamp = Database.IsNpgsql() ? "timestamp without time zone" : "datetime(6)";
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
            group.Property(g => g.CreatedAt).HasColumnName("created_at").HasColumnType(timestamp);
            group.Property(g => g.UpdatedAt).HasColumnName("updated_at").HasColumnType(timestamp);
        });
        modelBuilder.Entity<Post>(post =>
        {
            post.ToTable("posts");
            post.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            post.Property(p => p.GroupId).HasColumnName("group_id");
            post.Property(p => p.Body).HasColumnName("body").HasColumnType("text");
            post.Property(p => p.CreatedAt).HasColumnName("created_at").HasColumnType(timestamp);
            post.HasIndex(p => p.GroupId).HasDatabaseName("ix_posts_group_id");
        });
        modelBuilder.Entity<Membership>(membership =>
        {
            membership.ToTable("memberships");
            membership.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
            membership.Property(m => m.GroupId).HasColumnName("group_id");
            membership.Property(m => m.UserId).HasColumnName("user_id");
            membership.HasIndex(m => m.GroupId).HasDatabaseName("ix_memberships_group_id");
        });
        if (Schema == IncidentWorkloads.CascadeSchema)
        {
            modelBuilder.Entity<Post>().HasOne<Group>().WithMany().HasForeignKey(p => p.GroupId).OnDelete(DeleteBehavior.Cascade);
            modelBuilder.Entity<Membership>().HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        }
    }

    /// <summary>One model per schema.</summary>
    private sealed class SchemaModelCacheKey : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (context.GetType(), ((CatalogDbContext)context).Schema, designTime);
    }
}
