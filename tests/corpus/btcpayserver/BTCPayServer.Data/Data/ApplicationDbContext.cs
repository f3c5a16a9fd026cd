using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Data;

public class ApplicationDbContext : IdentityDbContext<ApplicationUser>
{
    public ApplicationDbContext(DbContextOptions<ApplicationDbContext> options) : base(options)
    {
    }

    public DbSet<StoreData> Stores { get; set; } = null!;
    public DbSet<UserStore> UserStore { get; set; } = null!;
    public DbSet<StoreSettingData> StoreSettings { get; set; } = null!;
    public DbSet<InvoiceData> Invoices { get; set; } = null!;
    public DbSet<PendingTransaction> PendingTransactions { get; set; } = null!;
    public DbSet<WebhookData> Webhooks { get; set; } = null!;
    public DbSet<WebhookDeliveryData> WebhookDeliveries { get; set; } = null!;
    public DbSet<NotificationData> Notifications { get; set; } = null!;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApplicationUser>().Property(o => o.Blob2).HasColumnType("JSONB");
        StoreData.OnModelCreating(builder);
        Data.UserStore.OnModelCreating(builder);
        StoreSettingData.OnModelCreating(builder);
        InvoiceData.OnModelCreating(builder);
        PendingTransaction.OnModelCreating(builder);
        WebhookData.OnModelCreating(builder);
        WebhookDeliveryData.OnModelCreating(builder);
        NotificationData.OnModelCreating(builder);
    }
}

public class ApplicationDbContextFactory
{
    private readonly DbContextOptions<ApplicationDbContext> _options;

    public ApplicationDbContextFactory(DbContextOptions<ApplicationDbContext> options) => _options = options;

    public ApplicationDbContext CreateContext() => new(_options);
}
