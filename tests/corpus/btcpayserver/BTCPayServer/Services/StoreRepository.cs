using BTCPayServer.Data;
using Microsoft.EntityFrameworkCore;

namespace BTCPayServer.Services;

public class StoreRepository
{
    private readonly ApplicationDbContextFactory _contextFactory;

    public StoreRepository(ApplicationDbContextFactory contextFactory) => _contextFactory = contextFactory;

    public async Task<bool> DeleteStore(string storeId)
    {
        await using var ctx = _contextFactory.CreateContext();
        var store = await ctx.Stores.FindAsync(storeId);
        if (store is null)
        {
            return false;
        }

        ctx.Stores.Remove(store);
        await ctx.SaveChangesAsync();
        return true;
    }

    public async Task UpdateSetting(string storeId, string name, string? value)
    {
        await using var ctx = _contextFactory.CreateContext();
        if (value is null)
        {
            foreach (var setting in ctx.StoreSettings.Where(s => s.StoreId == storeId && s.Name == name))
            {
                ctx.StoreSettings.Remove(setting);
            }
        }
        else
        {
            var setting = await ctx.StoreSettings.FindAsync(storeId, name);
            if (setting is null)
            {
                ctx.StoreSettings.Add(new StoreSettingData { StoreId = storeId, Name = name, Value = value });
            }
            else
            {
                setting.Value = value;
            }
        }

        await ctx.SaveChangesAsync();
    }

    public async Task RemoveStoreUsers(string storeId, IEnumerable<string> userIds)
    {
        await using var ctx = _contextFactory.CreateContext();
        foreach (var userId in userIds)
        {
            var userStore = new UserStore { StoreDataId = storeId, ApplicationUserId = userId };
            ctx.UserStore.Attach(userStore);
            ctx.Entry(userStore).State = EntityState.Deleted;
        }

        await ctx.SaveChangesAsync();
    }

    public async Task ArchiveInvoices(string storeId, IReadOnlyCollection<string> invoiceIds)
    {
        await using var ctx = _contextFactory.CreateContext();
        var invoices = await ctx.Invoices.Where(i => i.StoreDataId == storeId && invoiceIds.Contains(i.Id)).ToListAsync();
        foreach (var invoice in invoices)
        {
            invoice.Archived = true;
        }

        await ctx.SaveChangesAsync();
    }
}
