using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Tests.Memory;

public sealed class ManagedGarbageTests
{
    private int _fullCollections;
    private int _started;

    private ManagedGarbage Garbage(long collectAfterBytes) => new(collectAfterBytes, () => _fullCollections, () =>
    {
        _started++;
        _fullCollections++;
    });

    [Fact]
    public void A_full_collection_starts_once_enough_managed_bytes_were_given_back()
    {
        var garbage = Garbage(100);

        garbage.Released(60);
        Assert.Equal(0, _started);
        garbage.Released(50);
        Assert.Equal(1, _started);
        garbage.Released(60);
        Assert.Equal(1, _started); // Counting starts over after each collection.
        garbage.Released(40);
        Assert.Equal(2, _started);
    }

    [Fact]
    public void A_collection_the_gc_ran_on_its_own_starts_the_count_over()
    {
        var garbage = Garbage(100);

        garbage.Released(90);
        _fullCollections++;
        garbage.Released(90);

        Assert.Equal(0, _started);
    }

    [Fact]
    public void Without_a_threshold_nothing_is_collected()
    {
        var garbage = Garbage(0);

        garbage.Released(1_000_000);

        Assert.Equal(0, _started);
    }

    [Fact]
    public async Task Uploads_given_back_to_the_budget_are_counted_and_decodes_are_not()
    {
        var budget = new MemoryBudget(1000, TimeSpan.Zero, TimeSpan.FromSeconds(1)) { UploadGarbage = Garbage(100) };

        (await budget.AcquireAsync(100, MemoryUse.Decode)).Dispose();
        Assert.Equal(0, _started);
        (await budget.AcquireAsync(100, MemoryUse.Upload)).Dispose();
        Assert.Equal(1, _started);
    }
}
