using BulkSafety.SafePaths;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>Which columns an ExecuteUpdate setter list assigns: what MINIMAL row images and HOT updates price.</summary>
public sealed class UpdateSettersTests
{
    [Fact]
    public void PlainPropertiesAndEfProperty_AreRead()
    {
        using var context = Account.Context();
        var type = context.Model.FindEntityType(typeof(Account))!;

        var assigned = new UpdateSetters<Account>(s => s
            .SetProperty(a => a.Balance, a => a.Balance + 1)
            .SetProperty(a => EF.Property<string>(a, "Note"), "audited")).AssignedProperties(type);

        Assert.Equal(["Balance", "Note"], assigned!.Select(p => p.Name).Order());
    }

    [Fact]
    public void AComplexPropertysMember_IsNotAColumnOfTheEntity_SoEveryColumnCounts()
    {
        using var context = Account.Context();
        var type = context.Model.FindEntityType(typeof(Account))!;

        Assert.Null(new UpdateSetters<Account>(s => s.SetProperty(a => a.Address.City, "Berlin")).AssignedProperties(type));
    }

    [Fact]
    public void SettersAddedOneByOne_AreReadInOrder()
    {
        using var context = Account.Context();
        var type = context.Model.FindEntityType(typeof(Account))!;
        var note = "audited";

        var assigned = UpdateSetters<Account>.None()
            .Set(a => a.Balance, a => a.Balance + 1)
            .Set(a => EF.Property<string>(a, "Note"), _ => note)
            .AssignedProperties(type);

        Assert.Equal(["Balance", "Note"], assigned!.Select(p => p.Name));
        Assert.Empty(UpdateSetters<Account>.None().AssignedProperties(type)!);
    }

    private sealed class Account
    {
        public long Id { get; set; }

        public decimal Balance { get; set; }

        public Address Address { get; set; } = new();

        public static DbContext Context()
        {
            var connection = new SqliteConnection("Data Source=:memory:");
            return new AccountContext(new DbContextOptionsBuilder<AccountContext>().UseSqlite(connection).Options);
        }
    }

    private sealed class Address
    {
        public string City { get; set; } = "";
    }

    private sealed class AccountContext(DbContextOptions<AccountContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Account>(account =>
            {
                account.Property<string>("Note");
                account.ComplexProperty(a => a.Address);
            });
        }
    }
}
