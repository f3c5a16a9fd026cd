using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Data;

public class WebhookData
{
    [Key]
    [MaxLength(25)]
    public string Id { get; set; } = "";

    public string? Blob2 { get; set; }
    public string StoreId { get; set; } = "";
    public StoreData Store { get; set; } = null!;
    public List<WebhookDeliveryData> Deliveries { get; set; } = new();

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<WebhookData>().Property(o => o.Blob2).HasColumnType("JSONB");
        builder.Entity<WebhookData>().HasOne(o => o.Store).WithMany(o => o.Webhooks).HasForeignKey(o => o.StoreId).OnDelete(DeleteBehavior.Cascade);
    }
}

public class WebhookDeliveryData
{
    [Key]
    [MaxLength(25)]
    public string Id { get; set; } = "";

    [MaxLength(25)]
    [Required]
    public string WebhookId { get; set; } = "";

    public WebhookData Webhook { get; set; } = null!;

    [Required]
    public DateTimeOffset Timestamp { get; set; }

    public string? Blob { get; set; }
    public bool Pruned { get; set; }

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<WebhookDeliveryData>().HasOne(o => o.Webhook).WithMany(a => a.Deliveries).OnDelete(DeleteBehavior.Cascade);
        builder.Entity<WebhookDeliveryData>().HasIndex(o => o.WebhookId);
        builder.Entity<WebhookDeliveryData>().HasIndex(o => o.Timestamp);
        builder.Entity<WebhookDeliveryData>().Property(o => o.Blob).HasColumnType("JSONB");
    }
}

public class NotificationData
{
    [MaxLength(36)]
    public string Id { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    [MaxLength(50)]
    [Required]
    public string ApplicationUserId { get; set; } = "";

    public ApplicationUser ApplicationUser { get; set; } = null!;

    [MaxLength(100)]
    [Required]
    public string NotificationType { get; set; } = "";

    public bool Seen { get; set; }
    public string? Blob2 { get; set; }

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<NotificationData>().HasOne(o => o.ApplicationUser).WithMany(n => n.Notifications).HasForeignKey(k => k.ApplicationUserId).OnDelete(DeleteBehavior.Cascade);
        builder.Entity<NotificationData>().Property(o => o.Blob2).HasColumnType("JSONB");
    }
}
