using System.Reflection;
using Microsoft.EntityFrameworkCore;
using SimplCommerce.Infrastructure.Data;

namespace SimplCommerce.Module.Core.Data;

/// <summary>
/// The one context of the application. It declares no DbSet: every non-abstract EntityBase type of the loaded
/// module assemblies is registered, then each module's ICustomModelBuilder refines the mapping.
/// </summary>
public class SimplDbContext : DbContext
{
    private readonly IReadOnlyList<Assembly> _moduleAssemblies;

    public SimplDbContext(DbContextOptions options, IReadOnlyList<Assembly> moduleAssemblies) : base(options)
        => _moduleAssemblies = moduleAssemblies;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var types = _moduleAssemblies.SelectMany(a => a.DefinedTypes).Select(t => t.AsType()).ToList();
        RegisterEntities(modelBuilder, types);
        RegisterConvention(modelBuilder);
        base.OnModelCreating(modelBuilder);
        RegisterCustomMappings(modelBuilder, types);
    }

    private static void RegisterEntities(ModelBuilder modelBuilder, IEnumerable<Type> typeToRegisters)
    {
        var entityTypes = typeToRegisters.Where(x => x.GetTypeInfo().IsSubclassOf(typeof(EntityBase)) && !x.GetTypeInfo().IsAbstract);
        foreach (var type in entityTypes)
        {
            modelBuilder.Entity(type);
        }
    }

    private static void RegisterConvention(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.ClrType.Namespace is { } ns)
            {
                var nameParts = ns.Split('.');
                var tableName = string.Concat(nameParts[2], "_", entity.ClrType.Name);
                modelBuilder.Entity(entity.Name).ToTable(tableName);
            }
        }

        // No cascade unless a module's builder asks for one.
        foreach (var relationship in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys()))
        {
            relationship.DeleteBehavior = DeleteBehavior.Restrict;
        }
    }

    private static void RegisterCustomMappings(ModelBuilder modelBuilder, IEnumerable<Type> typeToRegisters)
    {
        var customModelBuilderTypes = typeToRegisters.Where(x => typeof(ICustomModelBuilder).IsAssignableFrom(x) && !x.IsInterface);
        foreach (var builderType in customModelBuilderTypes)
        {
            var builder = (ICustomModelBuilder)Activator.CreateInstance(builderType)!;
            builder.Build(modelBuilder);
        }
    }
}

public class Repository<T> : IRepository<T> where T : EntityBase
{
    public Repository(SimplDbContext context)
    {
        Context = context;
        DbSet = Context.Set<T>();
    }

    protected SimplDbContext Context { get; }

    protected DbSet<T> DbSet { get; }

    public IQueryable<T> Query() => DbSet;

    public void Add(T entity) => DbSet.Add(entity);

    public void Remove(T entity) => DbSet.Remove(entity);

    public void SaveChanges() => Context.SaveChanges();

    public Task SaveChangesAsync() => Context.SaveChangesAsync();
}
