using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Data;

public class InvoiceData
{
    [MaxLength(50)]
    public string Id { get; set; } = "";

    public string StoreDataId { get; set; } = "";
    public StoreData StoreData { get; set; } = null!;
    public DateTimeOffset Created { get; set; }

    [MaxLength(50)]
    public string Status { get; set; } = "New";

    public string? Blob2 { get; set; }
    public bool Archived { get; set; }

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<InvoiceData>().HasOne(o => o.StoreData).WithMany(a => a.Invoices).OnDelete(DeleteBehavior.Cascade);
        builder.Entity<InvoiceData>().HasIndex(o => o.StoreDataId);
        builder.Entity<InvoiceData>().Property(o => o.Blob2).HasColumnType("JSONB");
    }
}

public enum PendingTransactionState
{
    Pending,
    Cancelled,
    Expired,
    Invalidated,
    Signed,
    Broadcast,
}

public class PendingTransaction
{
    public string TransactionId { get; set; } = "";

    [MaxLength(5)]
    public string CryptoCode { get; set; } = "";

    public string StoreId { get; set; } = "";
    public StoreData Store { get; set; } = null!;
    public DateTimeOffset? Expiry { get; set; }
    public PendingTransactionState State { get; set; }
    public string[] OutpointsUsed { get; set; } = [];
    public string? Blob2 { get; set; }

    internal static void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<PendingTransaction>().HasKey(t => new { t.CryptoCode, t.TransactionId });
        builder.Entity<PendingTransaction>().HasOne(o => o.Store).WithMany().HasForeignKey(o => o.StoreId).OnDelete(DeleteBehavior.Cascade);
        builder.Entity<PendingTransaction>().Property(o => o.Blob2).HasColumnType("JSONB");
        builder.Entity<PendingTransaction>().Property(o => o.State).HasConversion<string>();
    }
}
