using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Data;

public class StoreData
{
    [MaxLength(50)]
    public string Id { get; set; } = "";

    public string? StoreName { get; set; }
    public string? StoreWebsite { get; set; }
    public string? StoreBlob { get; set; }
    public bool Archived { get; set; }
    public List<UserStore> UserStores { get; set; } = new();
    public List<InvoiceData> Invoices { get; set; } = new();
    public List<WebhookData> Webhooks { get; set; } = new();
    public List<StoreSettingData> Settings { get; set; } = new();

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<StoreData>().Property(o => o.StoreBlob).HasColumnType("JSONB");
    }
}

public class UserStore
{
    public string ApplicationUserId { get; set; } = "";
    public ApplicationUser ApplicationUser { get; set; } = null!;
    public string StoreDataId { get; set; } = "";
    public StoreData StoreData { get; set; } = null!;

    [MaxLength(50)]
    public string? StoreRoleId { get; set; }

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<UserStore>().HasKey(t => new { t.ApplicationUserId, t.StoreDataId });
        builder.Entity<UserStore>().HasOne(pt => pt.ApplicationUser).WithMany(p => p.UserStores).HasForeignKey(pt => pt.ApplicationUserId);
        builder.Entity<UserStore>().HasOne(pt => pt.StoreData).WithMany(t => t.UserStores).HasForeignKey(pt => pt.StoreDataId);
    }
}

/// <summary>A named setting of a store; the key is the store and the name together.</summary>
public class StoreSettingData
{
    public string StoreId { get; set; } = "";

    [MaxLength(50)]
    public string Name { get; set; } = "";

    public string? Value { get; set; }
    public StoreData Store { get; set; } = null!;

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<StoreSettingData>().HasKey(o => new { o.StoreId, o.Name });
        builder.Entity<StoreSettingData>().Property(o => o.Value).HasColumnType("JSONB");
        builder.Entity<StoreSettingData>().HasOne(o => o.Store).WithMany(o => o.Settings).OnDelete(DeleteBehavior.Cascade);
    }
}
