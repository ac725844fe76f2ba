using System.Diagnostics.Metrics;
using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// The memory budget for the observable gauges: the bytes taken now by each use and the budget's size, so that an
/// alert can tell a budget nearly exhausted (requests about to wait for memory and be refused) before it refuses. A
/// budget registers itself for the life of its host and is observed at each collection until the registration is
/// disposed.
/// </summary>
public static class MemoryTelemetry
{
    private static readonly Observed<MemoryBudget> Budgets = new();

    /// <summary>Observes <paramref name="budget"/> until disposed.</summary>
    public static IDisposable Register(MemoryBudget budget)
    {
        // The gauges are created with the meter's other instruments, which a process without a model run yet may not have.
        GC.KeepAlive(InferenceMetrics.MemoryInUse);
        return Budgets.Add(budget);
    }

    internal static IEnumerable<Measurement<long>> ObserveInUse() =>
        Budgets.Items.SelectMany(budget => Enum.GetValues<MemoryUse>().Select(use => new Measurement<long>(
            budget.InUseBy(use), new KeyValuePair<string, object?>(InferenceMetrics.MemoryUseTag, TagValues.Of(use)))));

    internal static IEnumerable<Measurement<long>> ObserveCapacity() =>
        Budgets.Items.Select(budget => new Measurement<long>(budget.Capacity));
}
