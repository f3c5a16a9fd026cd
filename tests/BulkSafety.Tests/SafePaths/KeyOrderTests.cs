using BulkSafety.SafePaths;

namespace BulkSafety.Tests.SafePaths;

// Rows read ahead are cut into batches in key order: the database may return the outer SELECT in another order than its
// ordered LIMIT, and then the application orders them, each row's sizes with its key.
public sealed class KeyOrderTests
{
    [Fact]
    public void RowsOutOfOrder_AreSortedByKey_WithTheirSizes()
    {
        List<long> keys = [30, -5, 20, 10];
        List<long> sizes = [300, 301, -50, -1, 200, 201, 100, 101];

        KeyOrder.Sort(keys, sizes, width: 2);

        Assert.Equal([-5, 10, 20, 30], keys);
        Assert.Equal([-50, -1, 100, 101, 200, 201, 300, 301], sizes);
    }

    [Fact]
    public void RowsInOrder_AndRowsWithoutSizes_KeepTheirPlaces()
    {
        List<long> keys = [1, 2, 2, 7];
        List<long> sizes = [10, 20, 21, 70];
        List<long> unsized = [];

        KeyOrder.Sort(keys, sizes, width: 1);
        KeyOrder.Sort([3, 1], unsized, width: 0);

        Assert.Equal([1, 2, 2, 7], keys);
        Assert.Equal([10, 20, 21, 70], sizes);
        Assert.Empty(unsized);
    }
}
