using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Tests.Data;

public sealed class StratifiedSplitTests
{
    private static readonly int[] Labels = [.. Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? 2 : i % 2)];

    [Fact]
    public void Every_class_gives_its_share_and_each_image_lands_in_exactly_one_part()
    {
        var (kept, held) = StratifiedSplit.Indices(Labels, 0.25, seed: 5);

        Assert.Equal(Enumerable.Range(0, Labels.Length), kept.Concat(held).Order());
        foreach (var label in Labels.Distinct())
        {
            var ofClass = Labels.Count(l => l == label);
            Assert.Equal((int)Math.Round(ofClass * 0.25), held.Count(i => Labels[i] == label));
        }
    }

    [Fact]
    public void The_seed_decides_the_split()
    {
        var first = StratifiedSplit.Indices(Labels, 0.25, seed: 5).Held;

        Assert.Equal(first, StratifiedSplit.Indices(Labels, 0.25, seed: 5).Held);
        Assert.NotEqual(first.Order(), StratifiedSplit.Indices(Labels, 0.25, seed: 6).Held.Order());
    }
}
