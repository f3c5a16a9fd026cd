using System.Collections.Generic;
using System.Linq;
using BulkSafety.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers.Model;

/// <summary>
/// The EF Core, data-annotation and BCL symbols the model reader compares against, resolved once per compilation.
/// A compilation without EF Core gets none (<see cref="TryCreate"/> returns false) and no model is read.
/// </summary>
internal sealed class EfModelSymbols
{
    private EfModelSymbols(Compilation compilation, INamedTypeSymbol dbContext)
    {
        DbContext = dbContext;
        DbSet = Get(compilation, "Microsoft.EntityFrameworkCore.DbSet`1");
        ModelBuilder = Get(compilation, "Microsoft.EntityFrameworkCore.ModelBuilder");
        ModelConfigurationBuilder = Get(compilation, "Microsoft.EntityFrameworkCore.ModelConfigurationBuilder");
        IEntityTypeConfiguration = Get(compilation, "Microsoft.EntityFrameworkCore.IEntityTypeConfiguration`1");
        EntityEntry = Get(compilation, "Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry");
        SaveChangesInterceptor = Get(compilation, "Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor");
        RelationalDatabaseFacadeExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
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
        UnicodeAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.UnicodeAttribute");
        DeleteBehaviorAttribute = Get(compilation, "Microsoft.EntityFrameworkCore.DeleteBehaviorAttribute");
        DateTime = compilation.GetSpecialType(SpecialType.System_DateTime);
        DateTimeOffset = Get(compilation, "System.DateTimeOffset");
        Providers = StoreProviders.FromReferences(compilation);
    }

    public INamedTypeSymbol DbContext { get; }
    public INamedTypeSymbol? DbSet { get; }
    public INamedTypeSymbol? ModelBuilder { get; }
    public INamedTypeSymbol? ModelConfigurationBuilder { get; }
    public INamedTypeSymbol? IEntityTypeConfiguration { get; }
    public INamedTypeSymbol? EntityEntry { get; }
    public INamedTypeSymbol? SaveChangesInterceptor { get; }
    public INamedTypeSymbol? RelationalDatabaseFacadeExtensions { get; }
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
    public INamedTypeSymbol? UnicodeAttribute { get; }
    public INamedTypeSymbol? DeleteBehaviorAttribute { get; }
    public INamedTypeSymbol DateTime { get; }
    public INamedTypeSymbol? DateTimeOffset { get; }

    /// <summary>The database providers the compilation references (decides how a maximum length maps to a store type).</summary>
    public StoreProviders Providers { get; }

    /// <summary>The symbols of a compilation that references EF Core (its <see cref="EfCoreSymbols"/> resolved).</summary>
    public static EfModelSymbols For(Compilation compilation, EfCoreSymbols core) => new(compilation, core.DbContext);

    /// <summary>Resolves the symbols, or returns <see langword="false"/> when the compilation does not reference EF Core.</summary>
    public static bool TryCreate(Compilation compilation, out EfModelSymbols symbols)
    {
        var dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        symbols = dbContext is null ? null! : new EfModelSymbols(compilation, dbContext);
        return dbContext is not null;
    }

    public bool IsDbContext(ITypeSymbol? type) => DerivesFrom(type, DbContext);

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

    public bool IsSaveChangesInterceptor(ITypeSymbol? type)
        => type is not null && SaveChangesInterceptor is not null && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, SaveChangesInterceptor));

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
