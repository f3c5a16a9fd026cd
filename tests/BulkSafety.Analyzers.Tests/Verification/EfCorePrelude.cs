namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>
/// The shared start of every test snippet (compiled as its own document beside the snippets): global usings and an
/// incident-shaped model — groups with posts and memberships — in namespace <c>App</c>. Snippets use
/// <c>AppDbContext</c>, <c>Group</c>, <c>Post</c> and <c>Membership</c> without declaring them. The prelude itself
/// must raise no diagnostic of any rule (the harness compares the diagnostics of every document).
/// </summary>
internal static class EfCorePrelude
{
    public const string FileName = "Prelude.cs";

    public const string Source = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.EntityFrameworkCore;
        global using App;

        namespace App;

        public class Group
        {
            public long Id { get; set; }
            [System.ComponentModel.DataAnnotations.MaxLength(200)]
            public string Name { get; set; } = "";
            public bool IsSpam { get; set; }
            public int PostsCount { get; set; }
            public DateTime UpdatedAt { get; set; }
            public List<Post> Posts { get; set; } = new();
            public List<Membership> Memberships { get; set; } = new();
        }

        public class Post
        {
            public long Id { get; set; }
            public long GroupId { get; set; }
            public Group Group { get; set; } = null!;
            [System.ComponentModel.DataAnnotations.MaxLength(200)]
            public string Title { get; set; } = "";
            public bool IsSpam { get; set; }
            public int Score { get; set; }
            public DateTime CreatedAt { get; set; }
        }

        public class Membership
        {
            public long Id { get; set; }
            public long GroupId { get; set; }
            public Group Group { get; set; } = null!;
            public long UserId { get; set; }
        }

        public class AppDbContext : DbContext
        {
            public DbSet<Group> Groups => Set<Group>();
            public DbSet<Post> Posts => Set<Post>();
            public DbSet<Membership> Memberships => Set<Membership>();
        }
        """;
}
