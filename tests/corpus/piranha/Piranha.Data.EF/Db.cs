using Microsoft.EntityFrameworkCore;
using Piranha.Data;

namespace Piranha;

public class Db : DbContext
{
    public Db(DbContextOptions<Db> options) : base(options)
    {
    }

    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostField> PostFields => Set<PostField>();
    public DbSet<PostRevision> PostRevisions => Set<PostRevision>();
    public DbSet<PostComment> PostComments => Set<PostComment>();
    public DbSet<Page> Pages => Set<Page>();
    public DbSet<PageBlock> PageBlocks => Set<PageBlock>();
    public DbSet<PageComment> PageComments => Set<PageComment>();
    public DbSet<MediaFolder> MediaFolders => Set<MediaFolder>();
    public DbSet<Media> Media => Set<Media>();

    protected override void OnModelCreating(ModelBuilder mb)
    {
        base.OnModelCreating(mb);

        mb.Entity<Post>().ToTable("Piranha_Posts");
        mb.Entity<Post>().Property(p => p.Title).HasMaxLength(128).IsRequired();
        mb.Entity<Post>().Property(p => p.Slug).HasMaxLength(128).IsRequired();
        mb.Entity<Post>().Property(p => p.MetaTitle).HasMaxLength(128);
        mb.Entity<Post>().Property(p => p.MetaDescription).HasMaxLength(256);
        mb.Entity<Post>().Property(p => p.Route).HasMaxLength(256);
        mb.Entity<Post>().HasIndex(p => new { p.BlogId, p.Slug }).IsUnique();

        mb.Entity<PostField>().ToTable("Piranha_PostFields");
        mb.Entity<PostField>().Property(f => f.RegionId).HasMaxLength(64).IsRequired();
        mb.Entity<PostField>().Property(f => f.FieldId).HasMaxLength(64).IsRequired();
        mb.Entity<PostField>().Property(f => f.CLRType).HasMaxLength(256).IsRequired();
        mb.Entity<PostField>().HasOne(f => f.Post).WithMany(p => p.Fields).HasForeignKey(f => f.PostId).OnDelete(DeleteBehavior.Cascade);

        mb.Entity<PostRevision>().ToTable("Piranha_PostRevisions");

        mb.Entity<PostComment>().ToTable("Piranha_PostComments");
        mb.Entity<PostComment>().Property(c => c.UserId).HasMaxLength(128);
        mb.Entity<PostComment>().Property(c => c.Author).HasMaxLength(128).IsRequired();
        mb.Entity<PostComment>().Property(c => c.Email).HasMaxLength(128).IsRequired();
        mb.Entity<PostComment>().Property(c => c.Url).HasMaxLength(256);
        mb.Entity<PostComment>().HasOne(c => c.Post).WithMany(p => p.Comments).HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);

        mb.Entity<Page>().ToTable("Piranha_Pages");
        mb.Entity<Page>().Property(p => p.Title).HasMaxLength(128).IsRequired();
        mb.Entity<Page>().Property(p => p.Slug).HasMaxLength(128).IsRequired();

        mb.Entity<PageBlock>().ToTable("Piranha_PageBlocks");
        mb.Entity<PageBlock>().Property(b => b.CLRType).HasMaxLength(256).IsRequired();
        mb.Entity<PageBlock>().HasOne(b => b.Page).WithMany(p => p.Blocks).HasForeignKey(b => b.PageId).OnDelete(DeleteBehavior.Cascade);

        mb.Entity<PageComment>().ToTable("Piranha_PageComments");
        mb.Entity<PageComment>().Property(c => c.Author).HasMaxLength(128).IsRequired();
        mb.Entity<PageComment>().HasOne(c => c.Page).WithMany(p => p.Comments).HasForeignKey(c => c.PageId).OnDelete(DeleteBehavior.Cascade);

        mb.Entity<MediaFolder>().ToTable("Piranha_MediaFolders");
        mb.Entity<MediaFolder>().Property(f => f.Name).HasMaxLength(128).IsRequired();

        mb.Entity<Media>().ToTable("Piranha_Media");
        mb.Entity<Media>().Property(m => m.Filename).HasMaxLength(128).IsRequired();
        mb.Entity<Media>().Property(m => m.ContentType).HasMaxLength(256).IsRequired();
        mb.Entity<Media>().Property(m => m.AltText).HasMaxLength(128);
        mb.Entity<Media>().HasOne(m => m.Folder).WithMany(f => f.Media).HasForeignKey(m => m.FolderId);
    }

    /// <summary>
    /// Variant for the corpus: comment bookkeeping kept by the context. Every saved comment moves its post's
    /// CommentCount and touches the post; page comments touch their page.
    /// </summary>
    public override Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        var now = DateTime.Now;
        foreach (var entry in ChangeTracker.Entries<PostComment>())
        {
            if (entry.State == EntityState.Added && entry.Entity.IsApproved)
            {
                entry.Entity.Post.CommentCount++;
                entry.Entity.Post.LastModified = now;
            }
            else if (entry.State == EntityState.Deleted && entry.Entity.IsApproved)
            {
                entry.Entity.Post.CommentCount--;
                entry.Entity.Post.LastModified = now;
            }
        }

        foreach (var entry in ChangeTracker.Entries<PageComment>())
        {
            if (entry.State is EntityState.Added or EntityState.Deleted)
            {
                entry.Entity.Page.LastModified = now;
            }
        }

        return base.SaveChangesAsync(cancellationToken);
    }
}
