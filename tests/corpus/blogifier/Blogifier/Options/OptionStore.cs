using Blogifier.Data;
using Microsoft.EntityFrameworkCore;

namespace Blogifier.Options;

public class OptionStore
{
    private readonly AppDbContext _dbContext;

    public OptionStore(AppDbContext dbContext) => _dbContext = dbContext;

    public async Task SetByCacheValue(string key, string value)
    {
        var option = await _dbContext.Options.FindAsync(key);
        if (option is null)
        {
            _dbContext.Options.Add(new OptionInfo { Key = key, Value = value, CreatedAt = DateTime.UtcNow });
        }
        else
        {
            option.Value = value;
        }

        await _dbContext.SaveChangesAsync();
    }

    /// <summary>Variant for the corpus: removing one named setting through a query on its key.</summary>
    public async Task RemoveAsync(string key)
    {
        foreach (var option in _dbContext.Options.Where(o => o.Key == key))
        {
            _dbContext.Options.Remove(option);
        }

        await _dbContext.SaveChangesAsync();
    }

    /// <summary>Variant for the corpus: the defaults a fresh install writes, one save each.</summary>
    public async Task WriteDefaultsAsync()
    {
        foreach (var (key, value) in new[] { ("theme", "standard"), ("items-per-page", "10"), ("title", "Blog Title") })
        {
            _dbContext.Options.Add(new OptionInfo { Key = key, Value = value, CreatedAt = DateTime.UtcNow });
            await _dbContext.SaveChangesAsync();
        }
    }
}
