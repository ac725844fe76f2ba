namespace ResNetService.Trainer.Data;

/// <summary>
/// Holds out the same share of every class, chosen by a seeded shuffle: the rule behind an image folder's test split
/// and a training run's <c>--holdout</c>, so both are stratified and reproducible from their seed.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>Positions in <paramref name="labels"/> of the kept and the held-out images (each class rounded to the nearest image).</summary>
    public static (List<int> Kept, List<int> Held) Indices(IReadOnlyList<int> labels, double share, int seed)
    {
        var random = new Random(seed);
        var kept = new List<int>();
        var held = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var shuffled = group.ToArray();
            random.Shuffle(shuffled);
            var count = (int)Math.Round(shuffled.Length * share);
            held.AddRange(shuffled.Take(count));
            kept.AddRange(shuffled.Skip(count));
        }

        return (kept, held);
    }
}
