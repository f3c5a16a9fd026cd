using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The EF Core and BCL symbols the rules compare against, resolved once per compilation. A compilation that
/// does not reference EF Core gets none, and the rules register nothing for it.
/// </summary>
internal sealed class EfCoreSymbols
{
    private EfCoreSymbols(Compilation compilation, INamedTypeSymbol dbContext)
    {
        DbContext = dbContext;
        DbSet = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbSet`1");
        EntityFrameworkQueryableExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        RelationalQueryableExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");
        RelationalDatabaseFacadeExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
        ChangeTracker = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker");
        SaveChangesInterceptor = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor");
        ISaveChangesInterceptor = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor");
        ModelBuilder = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ModelBuilder");
        EntityTypeBuilderOfT = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder`1");
        IEntityTypeConfiguration = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.IEntityTypeConfiguration`1");
        Queryable = compilation.GetTypeByMetadataName("System.Linq.Queryable");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        AsyncEnumerable = compilation.GetTypeByMetadataName("System.Linq.AsyncEnumerable");
        IQueryableOfT = compilation.GetTypeByMetadataName("System.Linq.IQueryable`1");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        IAsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        ListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
    }

    public INamedTypeSymbol DbContext { get; }
    public INamedTypeSymbol? DbSet { get; }
    public INamedTypeSymbol? EntityFrameworkQueryableExtensions { get; }
    public INamedTypeSymbol? RelationalQueryableExtensions { get; }
    public INamedTypeSymbol? RelationalDatabaseFacadeExtensions { get; }
    public INamedTypeSymbol? ChangeTracker { get; }
    public INamedTypeSymbol? SaveChangesInterceptor { get; }
    public INamedTypeSymbol? ISaveChangesInterceptor { get; }
    public INamedTypeSymbol? ModelBuilder { get; }
    public INamedTypeSymbol? EntityTypeBuilderOfT { get; }
    public INamedTypeSymbol? IEntityTypeConfiguration { get; }
    public INamedTypeSymbol? Queryable { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? AsyncEnumerable { get; }
    public INamedTypeSymbol? IQueryableOfT { get; }
    public INamedTypeSymbol IEnumerableOfT { get; }
    public INamedTypeSymbol? IAsyncEnumerableOfT { get; }
    public INamedTypeSymbol? ListOfT { get; }

    /// <summary>Resolves the symbols, or returns <see langword="false"/> when the compilation does not reference EF Core.</summary>
    public static bool TryCreate(Compilation compilation, out EfCoreSymbols symbols)
    {
        var dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        symbols = dbContext is null ? null! : new EfCoreSymbols(compilation, dbContext);
        return dbContext is not null;
    }

    /// <summary>Whether <paramref name="type"/> is <see cref="DbContext"/> or derives from it.</summary>
    public bool IsDbContext(ITypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, DbContext))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is a <c>DbSet&lt;T&gt;</c> (or a subclass of one).</summary>
    public bool IsDbSet(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, DbSet))
            {
                return true;
            }
        }

        return false;
    }
}
