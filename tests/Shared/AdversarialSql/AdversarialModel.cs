using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>The table most statements attack: an owner to filter by, a unique code, texts and a counter.</summary>
internal sealed class Item
{
    public long Id { get; set; }

    public long OwnerId { get; set; }

    public required string Code { get; set; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    public int Views { get; set; }
}

/// <summary>Deleted by the database with its item (<c>ON DELETE CASCADE</c>).</summary>
internal sealed class Tag
{
    public long Id { get; set; }

    public long ItemId { get; set; }

    public required string Label { get; set; }
}

/// <summary>Updated by the database when its slot is deleted (<c>ON DELETE SET NULL</c>).</summary>
internal sealed class Note
{
    public long Id { get; set; }

    public long? SlotId { get; set; }

    public required string Text { get; set; }
}

/// <summary>A unique name; on SQLite the table resolves conflicts by deleting the other row (<c>ON CONFLICT REPLACE</c>).</summary>
internal sealed class Slot
{
    public long Id { get; set; }

    public required string Name { get; set; }
}

/// <summary>A table whose names need quoting: spaces, a keyword, a quote.</summary>
internal sealed class OddRow
{
    public long Key { get; set; }

    public long Where { get; set; }

    public required string Quoted { get; set; }
}

/// <summary>
/// The adversarial suite's model, the same on SQLite and PostgreSQL: lower-case names both engines read unquoted, and
/// one table whose names must be quoted.
/// </summary>
internal sealed class AdversarialContext(DbContextOptions<AdversarialContext> options) : DbContext(options)
{
    /// <summary>The seeded rows, as one INSERT per table that both engines accept.</summary>
    public const string Seed = """
        INSERT INTO items (id, owner_id, code, title, body, views) VALUES
            (1, 1, 'C-1', 'item 1', 'body 1', 0), (2, 1, 'C-2', 'item 2', 'body 2', 0), (3, 1, 'C-3', 'item 3', NULL, 0),
            (4, 1, 'C-4', 'item 4', 'body 4', 0), (5, 2, 'C-5', 'item 5', 'body 5', 0), (6, 2, 'C-6', 'item 6', NULL, 0),
            (7, 2, 'C-7', 'it''s 7', 'body 7', 0), (8, 2, 'C-8', 'item 8', 'body 8', 0), (9, 3, 'C-9', 'item 9', NULL, 0),
            (10, 3, 'C-10', 'item 10', 'body 10', 0), (11, 3, 'C-11', 'a;b -- c', 'body 11', 0), (12, 3, 'C-12', 'WHERE 1=1', NULL, 0);
        INSERT INTO tags (id, item_id, label) VALUES (1, 1, 'red'), (2, 1, 'blue'), (3, 2, 'red'), (4, 5, 'green'), (5, 9, 'red');
        INSERT INTO slots (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');
        INSERT INTO notes (id, slot_id, text) VALUES (1, 1, 'n1'), (2, 1, 'n1b'), (3, 2, 'n2'), (4, NULL, 'orphan');
        INSERT INTO "Odd Table" ("Key", "Where", "Quote""d") VALUES (1, 1, 'it''s'), (2, 2, 'x'), (3, 1, 'y');
        """;

    public DbSet<Item> Items => Set<Item>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Item>(item =>
        {
            item.ToTable("items");
            item.Property(i => i.Id).HasColumnName("id").ValueGeneratedNever();
            item.Property(i => i.OwnerId).HasColumnName("owner_id");
            item.Property(i => i.Code).HasColumnName("code");
            item.Property(i => i.Title).HasColumnName("title");
            item.Property(i => i.Body).HasColumnName("body");
            item.Property(i => i.Views).HasColumnName("views");
            item.HasIndex(i => i.Code).IsUnique();
        });
        modelBuilder.Entity<Tag>(tag =>
        {
            tag.ToTable("tags");
            tag.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
            tag.Property(t => t.ItemId).HasColumnName("item_id");
            tag.Property(t => t.Label).HasColumnName("label");
            tag.HasOne<Item>().WithMany().HasForeignKey(t => t.ItemId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Note>(note =>
        {
            note.ToTable("notes");
            note.Property(n => n.Id).HasColumnName("id").ValueGeneratedNever();
            note.Property(n => n.SlotId).HasColumnName("slot_id");
            note.Property(n => n.Text).HasColumnName("text");
            note.HasOne<Slot>().WithMany().HasForeignKey(n => n.SlotId).OnDelete(DeleteBehavior.SetNull);
        });
        modelBuilder.Entity<Slot>(slot =>
        {
            slot.ToTable("slots");
            slot.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
            slot.Property(s => s.Name).HasColumnName("name");
            slot.HasIndex(s => s.Name).IsUnique();
        });
        modelBuilder.Entity<OddRow>(odd =>
        {
            odd.ToTable("Odd Table");
            odd.HasKey(o => o.Key);
            odd.Property(o => o.Key).HasColumnName("Key").ValueGeneratedNever();
            odd.Property(o => o.Where).HasColumnName("Where");
            odd.Property(o => o.Quoted).HasColumnName("Quote\"d");
        });
    }
}
