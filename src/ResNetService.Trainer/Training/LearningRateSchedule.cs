namespace ResNetService.Trainer.Training;

/// <summary>
/// The learning rate at every optimizer step, so a resumed run continues exactly where it stopped.
/// Cosine decays from the base rate to zero; one-cycle (Smith, as torch's OneCycleLR) warms up from base/25 to
/// the base rate over the first 30% of steps, then anneals to base/25/10^4, both halves along a cosine.
/// </summary>
public sealed class LearningRateSchedule
{
    public const string Cosine = "cosine";
    public const string OneCycle = "onecycle";
    public const string Constant = "constant";
    public static readonly IReadOnlyList<string> Kinds = [Cosine, OneCycle, Constant];

    private const double WarmUpShare = 0.3;
    private const double StartDivisor = 25;
    private const double FinalDivisor = 1e4;

    public LearningRateSchedule(string kind, double baseRate, long totalSteps)
    {
        if (!Kinds.Contains(kind))
        {
            throw new ArgumentException($"Unknown schedule '{kind}'; use {string.Join(", ", Kinds)}.", nameof(kind));
        }

        Kind = kind;
        BaseRate = baseRate;
        TotalSteps = Math.Max(totalSteps, 1);
    }

    public string Kind { get; }

    public double BaseRate { get; }

    public long TotalSteps { get; }

    public double At(long step)
    {
        var progress = Math.Clamp((double)step / TotalSteps, 0, 1);
        switch (Kind)
        {
            case Cosine:
                return Anneal(BaseRate, 0, progress);
            case OneCycle when progress < WarmUpShare:
                return Anneal(BaseRate / StartDivisor, BaseRate, progress / WarmUpShare);
            case OneCycle:
                return Anneal(BaseRate, BaseRate / StartDivisor / FinalDivisor, (progress - WarmUpShare) / (1 - WarmUpShare));
            default:
                return BaseRate;
        }
    }

    /// <summary>From <paramref name="start"/> to <paramref name="end"/> along half a cosine as <paramref name="progress"/> goes 0..1.</summary>
    private static double Anneal(double start, double end, double progress) =>
        end + (start - end) / 2 * (1 + Math.Cos(Math.PI * progress));
}
