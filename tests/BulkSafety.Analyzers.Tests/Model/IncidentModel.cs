namespace BulkSafety.Analyzers.Tests.Model;

/// <summary>
/// The incident's model for the EF-model rules (BS2001, BS2002, BS3001, BS3002), in namespace <c>Incident</c>: groups
/// with wide unbounded descriptions, posts and memberships, and a SaveChanges override that keeps a counter cache and
/// touches the group for every post (the Rails <c>counter_cache</c> + <c>touch</c> of the postmortem). Test cases
/// compile it with <c>IncludePrelude = false</c>; <see cref="Usings"/> is what a snippet of their own starts with.
/// Each placeholder <c>{Description}</c>, <c>{DescriptionHtml}</c>, <c>{Body}</c> and <c>{Posts}</c> takes the markup
/// the test expects at that spot; <c>{Bookkeeping}</c> takes the bookkeeping method.
/// </summary>
internal static class IncidentModel
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using System.ComponentModel.DataAnnotations.Schema;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Diagnostics;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;

        """;

    public const string Template = Usings + """
        namespace Incident;

        public class Group
        {
            public long Id { get; set; }
            [MaxLength(200)]
            public string Name { get; set; } = "";
            public string {Description} { get; set; } = "";
            public string? {DescriptionHtml} { get; set; }
            public int PostsCount { get; set; }
            public DateTime UpdatedAt { get; set; }
            public List<Post> {Posts} { get; set; } = new();
            public List<Membership> Memberships { get; set; } = new();
        }

        public class Post
        {
            public long Id { get; set; }
            public long GroupId { get; set; }
            public Group Group { get; set; } = null!;
            [MaxLength(200)]
            public string Title { get; set; } = "";
            public string {Body} { get; set; } = "";
        }

        public class Membership
        {
            public long Id { get; set; }
            public long GroupId { get; set; }
            public Group Group { get; set; } = null!;
            public long UserId { get; set; }
        }

        public class IncidentContext : DbContext
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

            {Bookkeeping}
        }
        """;

    /// <summary>The SaveChanges bookkeeping: each post added or deleted rewrites its group's counter and timestamp.</summary>
    public const string Bookkeeping = """
        private void KeepGroupBookkeeping()
                {
                    var now = DateTime.UtcNow;
                    foreach (var entry in ChangeTracker.Entries<Post>())
                    {
                        if (entry.State == EntityState.Deleted)
                        {
                            entry.Entity.Group.PostsCount--;
                            entry.Entity.Group.UpdatedAt = now;
                        }
                        else if (entry.State == EntityState.Added)
                        {
                            entry.Entity.Group.PostsCount++;
                            entry.Entity.Group.UpdatedAt = now;
                        }
                    }
                }
        """;

    /// <summary>The same SaveChanges overrides with no bookkeeping: for tests that keep it elsewhere (or nowhere).</summary>
    public const string NoBookkeeping = "private void KeepGroupBookkeeping() { }";

    /// <summary>The model with markup (or nothing) at each placeholder.</summary>
    public static string With(string description = "Description", string descriptionHtml = "DescriptionHtml", string body = "Body", string posts = "Posts", string bookkeeping = Bookkeeping)
        => Template.Replace("{Bookkeeping}", bookkeeping, StringComparison.Ordinal)
            .Replace("{Description}", description, StringComparison.Ordinal)
            .Replace("{DescriptionHtml}", descriptionHtml, StringComparison.Ordinal)
            .Replace("{Body}", body, StringComparison.Ordinal)
            .Replace("{Posts}", posts, StringComparison.Ordinal);

    public static string Plain => With();

    public static string WithoutBookkeeping => With(bookkeeping: NoBookkeeping);
}
