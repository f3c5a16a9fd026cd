using System.Collections.Generic;
using System.Linq;
using BulkSafety.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// The EF Core, data-annotation and BCL symbols every rule and the model reader compare against: the one holder of
/// well-known types, resolved once per compilation by <see cref="EfCompilation"/>. A compilation that does not
/// reference EF Core gets none, and the rules register nothing for it.
/// </summary>
internal sealed class EfCoreSymbols
{
    private EfCoreSymbols(Compilation compilation, INamedTypeSymbol dbContext)
    {
        DbContext = dbContext;
        DbSet = Get(compilation, "Microsoft.EntityFrameworkCore.DbSet`1");
        EntityFrameworkQueryableExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        RelationalQueryableExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");
        RelationalDatabaseFacadeExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
        ChangeTracker = Get(compilation, "Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker");
        SaveChangesInterceptor = Get(compilation, "Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor");
        ISaveChangesInterceptor = Get(compilation, "Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor");
        ModelBuilder = Get(compilation, "Microsoft.EntityFrameworkCore.ModelBuilder");
        ModelConfigurationBuilder = Get(compilation, "Microsoft.EntityFrameworkCore.ModelConfigurationBuilder");
        IEntityTypeConfiguration = Get(compilation, "Microsoft.EntityFrameworkCore.IEntityTypeConfiguration`1");
        Enumerable = Get(compilation, "System.Linq.Enumerable");
        IQueryableOfT = Get(compilation, "System.Linq.IQueryable`1");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        ListOfT = Get(compilation, "System.Collections.Generic.List`1");
        NotMappedAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute");
        ColumnAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.ColumnAttribute");
        TableAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.TableAttribute");
        ForeignKeyAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.ForeignKeyAttribute");
        InversePropertyAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.InversePropertyAttribute");
        ComplexTypeAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.Schema.ComplexTypeAttribute");
        MaxLengthAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.MaxLengthAttribute");
        StringLengthAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.StringLengthAttribute");
        KeyAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.KeyAttribute");
        TimestampAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.TimestampAttribute");
        RequiredAttribute = Get(compilation, "System.ComponentModel.DataAnnotations.RequiredAttribute");
        OwnedAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.OwnedAttribute");
        KeylessAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.KeylessAttribute");
        PrimaryKeyAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.PrimaryKeyAttribute");
        IndexAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.IndexAttribute");
        UnicodeAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.UnicodeAttribute");
        DeleteBehaviorAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.DeleteBehaviorAttribute");
        DateTime = compilation.GetSpecialType(SpecialType.System_DateTime);
        DateTimeOffset = Get(compilation, "System.DateTimeOffset");
        Providers = StoreProviders.FromReferences(compilation);
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
    public INamedTypeSymbol? ModelConfigurationBuilder { get; }
    public INamedTypeSymbol? IEntityTypeConfiguration { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? IQueryableOfT { get; }
    public INamedTypeSymbol IEnumerableOfT { get; }
    public INamedTypeSymbol? ListOfT { get; }
    public INamedTypeSymbol? NotMappedAttribute { get; }
    public INamedTypeSymbol? ColumnAttribute { get; }
    public INamedTypeSymbol? TableAttribute { get; }
    public INamedTypeSymbol? ForeignKeyAttribute { get; }
    public INamedTypeSymbol? InversePropertyAttribute { get; }
    public INamedTypeSymbol? ComplexTypeAttribute { get; }
    public INamedTypeSymbol? MaxLengthAttribute { get; }
    public INamedTypeSymbol? StringLengthAttribute { get; }
    public INamedTypeSymbol? KeyAttribute { get; }
    public INamedTypeSymbol? TimestampAttribute { get; }
    public INamedTypeSymbol? RequiredAttribute { get; }
    public INamedTypeSymbol? OwnedAttribute { get; }
    public INamedTypeSymbol? KeylessAttribute { get; }
    public INamedTypeSymbol? PrimaryKeyAttribute { get; }
    public INamedTypeSymbol? IndexAttribute { get; }
    public INamedTypeSymbol? UnicodeAttribute { get; }
    public INamedTypeSymbol? DeleteBehaviorAttribute { get; }
    public INamedTypeSymbol DateTime { get; }
    public INamedTypeSymbol? DateTimeOffset { get; }

    /// <summary>The database providers the compilation references (decides how a maximum length maps to a store type).</summary>
    public StoreProviders Providers { get; }

    /// <summary>
    /// Resolves the symbols, or returns <see langword="false"/> when the compilation does not reference EF Core. Rules get
    /// them from <see cref="EfCompilation.For"/>, which resolves them once per compilation.
    /// </summary>
    public static bool TryCreate(Compilation compilation, out EfCoreSymbols symbols)
    {
        var dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        symbols = dbContext is null ? null! : new EfCoreSymbols(compilation, dbContext);
        return dbContext is not null;
    }

    /// <summary>Whether <paramref name="type"/> is <see cref="DbContext"/> or derives from it.</summary>
    public bool IsDbContext(ITypeSymbol? type) => DerivesFrom(type, DbContext);

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

    /// <summary>The <c>T</c>s of the <c>IEntityTypeConfiguration&lt;T&gt;</c> interfaces <paramref name="type"/> implements.</summary>
    public IEnumerable<INamedTypeSymbol> ConfiguredEntityTypes(INamedTypeSymbol type)
        => type.AllInterfaces
            .Where(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, IEntityTypeConfiguration))
            .Select(i => i.TypeArguments[0]).OfType<INamedTypeSymbol>();

    public bool IsDateTimeLike(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return SymbolEqualityComparer.Default.Equals(type, DateTime) || SymbolEqualityComparer.Default.Equals(type, DateTimeOffset);
    }

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
        => FindAttribute(symbol, attribute) is not null;

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
        => attribute is null ? null : symbol.GetAttributes().FirstOrDefault(a => DerivesFrom(a.AttributeClass, attribute));

    /// <summary>The first constructor argument of an attribute (<c>[Table("groups")]</c> gives "groups"), or null.</summary>
    public static object? FirstArgument(AttributeData? attribute)
        => attribute is { ConstructorArguments.Length: > 0 } ? attribute.ConstructorArguments[0].Value : null;

    private static INamedTypeSymbol? Get(Compilation compilation, string metadataName) => compilation.GetTypeByMetadataName(metadataName);
}
