using BulkSafety.Bookkeeping;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>What the declarations store in the model, and how a declaration that does not fit the model is reported.</summary>
public sealed class DeclarationTests
{
    [Fact]
    public void Declarations_AreModelAnnotationsOnTheDependent()
    {
        using var harness = new BookkeepingHarness();
        using var context = harness.Plain();

        var post = context.Model.FindEntityType(typeof(CountedPost))!;
        Assert.Equal("PostsCount", post.FindAnnotation("BulkSafety:CounterCache:Group")?.Value);
        Assert.Equal("UpdatedAt", post.FindAnnotation("BulkSafety:Touch:Group")?.Value);
        Assert.Equal("LastPostAt", post.FindAnnotation("BulkSafety:Touch:Author")?.Value);
        Assert.Null(context.Model.FindEntityType(typeof(CountedGroup))!.GetAnnotations().FirstOrDefault(a => a.Name.StartsWith("BulkSafety:", StringComparison.Ordinal)));
    }

    [Fact]
    public void LambdaThatIsNotOneProperty_IsRejectedWhereItIsWritten()
    {
        var builder = new ModelBuilder().Entity<CountedPost>();

        var counter = Assert.Throws<ArgumentException>(() => builder.HasCounterCache(p => p.Group, g => g.PostsCount + 1));
        var navigation = Assert.Throws<ArgumentException>(() => builder.Touches(p => p.Group!.Posts[0].Group, g => g.UpdatedAt));

        Assert.Equal("counter", counter.ParamName);
        Assert.Equal("navigation", navigation.ParamName);
    }

    [Theory]
    [InlineData("collection", "'Posts' must be the dependent's reference navigation to its parent")]
    [InlineData("not a navigation", "CountedPost has no navigation 'Body'")]
    [InlineData("ignored counter", "the parent CountedGroup has no mapped property 'PostsCount'")]
    [InlineData("key as counter", "CountedGroup.Id is part of a key")]
    public void DeclarationThatDoesNotFitTheModel_FailsTheFirstSaveNamingIt(string mistake, string message)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var modelBuilder = new ModelBuilder(SqliteConventionSetBuilder.Build());
        modelBuilder.Entity<CountedAuthor>();
        modelBuilder.Entity<CountedMembership>();
        var posts = modelBuilder.Entity<CountedPost>();
        switch (mistake)
        {
            case "collection":
                modelBuilder.Entity<CountedGroup>().HasCounterCache(g => g.Posts, p => p.Count);
                break;
            case "not a navigation":
                posts.HasCounterCache(p => p.Body, b => b.Length);
                break;
            case "ignored counter":
                modelBuilder.Entity<CountedGroup>().Ignore(g => g.PostsCount);
                posts.HasCounterCache(p => p.Group, g => g.PostsCount);
                break;
            default:
                posts.HasCounterCache(p => p.Group, g => g.Id);
                break;
        }

        var options = new DbContextOptionsBuilder<CountedContext>()
            .UseSqlite(connection)
            .UseModel((IModel)modelBuilder.FinalizeModel())
            .UseBulkSafetyBookkeeping()
            .Options;
        using var context = new CountedContext(options);

        var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
