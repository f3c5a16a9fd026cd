using Microsoft.EntityFrameworkCore;

namespace SimplCommerce.Infrastructure.Data;

public abstract class EntityBase : EntityBaseWithTypedId<long>
{
}

public abstract class EntityBaseWithTypedId<TId>
{
    public virtual TId Id { get; protected set; } = default!;
}

public interface IRepository<T> where T : EntityBase
{
    IQueryable<T> Query();

    void Add(T entity);

    void Remove(T entity);

    void SaveChanges();

    Task SaveChangesAsync();
}

/// <summary>Each module maps its own entities' details; the context applies every builder it finds.</summary>
public interface ICustomModelBuilder
{
    void Build(ModelBuilder modelBuilder);
}
