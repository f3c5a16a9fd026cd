using Clean.Architecture.Core.ContributorAggregate;
using Microsoft.EntityFrameworkCore;

namespace Clean.Architecture.Infrastructure.Data;

public static class SeedData
{
    public const int NumberOfContributors = 27;

    public static async Task InitializeAsync(AppDbContext dbContext)
    {
        if (await dbContext.Contributors.AnyAsync())
        {
            return;
        }

        await PopulateTestDataAsync(dbContext);
    }

    public static async Task PopulateTestDataAsync(AppDbContext dbContext)
    {
        dbContext.Contributors.AddRange([new Contributor("Ardalis"), new Contributor("Ilyana")]);
        await dbContext.SaveChangesAsync();

        for (var i = 1; i <= NumberOfContributors - 2; i++)
        {
            dbContext.Contributors.Add(new Contributor($"Contributor {i}"));
        }

        await dbContext.SaveChangesAsync();
    }

    /// <summary>Variant for the corpus: the reset that older versions of the template ran before seeding tests.</summary>
    public static void ResetTestData(AppDbContext dbContext)
    {
        foreach (var item in dbContext.ToDoItems)
        {
            dbContext.Remove(item);
        }

        foreach (var project in dbContext.Projects)
        {
            dbContext.Remove(project);
        }

        dbContext.SaveChanges();
    }
}
