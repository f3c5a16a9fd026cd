namespace BulkSafety.Analyzers.Tests.Rules;

/// <summary>
/// A unit of work and a generic repository as real applications write them (over the prelude's <c>AppDbContext</c>),
/// for the forwarding tests of the loop rules; and look-alikes that do not forward.
/// </summary>
internal static class Wrappers
{
    public const string Source = """
        public interface IUnitOfWork { Task CommitAsync(CancellationToken ct = default); }
        public sealed class UnitOfWork(AppDbContext db) : IUnitOfWork
        {
            public Task CommitAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);
        }
        public interface IRepository<T> where T : class
        {
            void Add(T entity);
            void Update(T entity);
            void Remove(T entity);
            void RemoveRange(IEnumerable<T> entities);
            Task DeleteAsync(long id);
        }
        public class Repository<T>(AppDbContext db) : IRepository<T> where T : class
        {
            public void Add(T entity) => db.Set<T>().Add(entity);
            public void Update(T entity) => db.Set<T>().Update(entity);
            public void Remove(T entity) => db.Set<T>().Remove(entity);
            public void RemoveRange(IEnumerable<T> entities) => db.Set<T>().RemoveRange(entities);
            public async Task DeleteAsync(long id)
            {
                var entity = await db.Set<T>().FindAsync(id);
                if (entity is not null)
                {
                    db.Set<T>().Remove(entity);
                }
            }
        }
        public sealed class Outbox
        {
            private readonly List<Post> pending = new();
            public void Remove(Post post) => pending.Remove(post);
            public void Update(Post post) => pending.Add(post);
            public Task CommitAsync(CancellationToken ct = default) => Task.CompletedTask;
        }
        """;
}
