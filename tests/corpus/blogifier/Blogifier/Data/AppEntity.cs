namespace Blogifier.Data;

public abstract class AppEntity<TKey> where TKey : IEquatable<TKey>
{
    public TKey Id { get; set; } = default!;
}
