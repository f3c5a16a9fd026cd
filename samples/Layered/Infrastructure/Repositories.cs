using Microsoft.EntityFrameworkCore;

namespace Layered.Infrastructure;

/// <summary>A unit of work over the forum's context.</summary>
public interface IUnitOfWork
{
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>Commits the forum's context.</summary>
public sealed class UnitOfWork(ForumContext db) : IUnitOfWork
{
    public Task CommitAsync(CancellationToken cancellationToken = default) => db.SaveChangesAsync(cancellationToken);
}

/// <summary>A generic repository, as layered applications write them.</summary>
public interface IRepository<T>
    where T : class
{
    void Remove(T entity);
}

/// <summary>Forwards to the context's set.</summary>
public sealed class Repository<T>(ForumContext db) : IRepository<T>
    where T : class
{
    public void Remove(T entity) => db.Set<T>().Remove(entity);
}
