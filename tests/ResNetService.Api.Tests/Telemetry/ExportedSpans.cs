using System.Collections.ObjectModel;
using System.Diagnostics;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// Where an in-memory exporter puts the spans it exports. The exporter adds from the service's threads while a test
/// reads, so every access takes a lock.
/// </summary>
public sealed class ExportedSpans : Collection<Activity>
{
    private readonly Lock _gate = new();

    /// <summary>The spans exported so far.</summary>
    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_gate)
        {
            return [.. Items];
        }
    }

    /// <summary>Waits (bounded) until a span that <paramref name="matches"/> is exported, and returns it.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> matches, string what)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (Snapshot().FirstOrDefault(matches) is { } span)
            {
                return span;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No {what} was exported within 30 s.");
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.InsertItem(index, item);
        }
    }

    protected override void SetItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.SetItem(index, item);
        }
    }

    protected override void RemoveItem(int index)
    {
        lock (_gate)
        {
            base.RemoveItem(index);
        }
    }

    protected override void ClearItems()
    {
        lock (_gate)
        {
            base.ClearItems();
        }
    }
}
