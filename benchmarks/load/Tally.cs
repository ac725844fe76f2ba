using System.Diagnostics;

namespace ResNetService.Benchmarks.Load;

/// <summary>
/// A phase's span in Stopwatch timestamps: it runs from <see cref="Start"/> to <see cref="End"/> and is measured from
/// <see cref="MeasureFrom"/> (the warm-up or the settling of the queue before it is not counted).
/// </summary>
public readonly record struct PhaseWindow(long Start, long MeasureFrom, long End)
{
    public static PhaseWindow StartingNow(double unmeasuredSeconds, double measuredSeconds)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(unmeasuredSeconds);
        return new(start, measureFrom, measureFrom + Ticks(measuredSeconds));
    }

    public double MeasuredSeconds => Stopwatch.GetElapsedTime(MeasureFrom, End).TotalSeconds;

    public bool Measures(long timestamp) => timestamp >= MeasureFrom && timestamp < End;

    public static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);
}

/// <summary>
/// One caller's count of what it sent and got, merged into the phase's at the end (no sharing while requests run).
/// Requests sent inside the measured window are counted by status and, when accepted, by latency; goodput counts
/// the 200 answers that arrived inside it, whenever they were sent.
/// </summary>
public sealed class Tally(PhaseWindow window)
{
    private readonly Dictionary<int, long> _statuses = [];
    private readonly List<double> _acceptedLatenciesMs = [];

    public PhaseWindow Window { get; } = window;

    /// <summary>Requests sent in the window (first tries and retries).</summary>
    public long Sent { get; private set; }

    /// <summary>Requests sent in the window that were an image's first try (not a retry of a refused one).</summary>
    public long FirstTries { get; private set; }

    /// <summary>200 answers that arrived in the window.</summary>
    public long AnsweredInWindow { get; private set; }

    /// <summary>Arrivals a client did not send because it was waiting out a Retry-After.</summary>
    public long HeldBack { get; private set; }

    public IReadOnlyDictionary<int, long> Statuses => _statuses;

    public IReadOnlyList<double> AcceptedLatenciesMs => _acceptedLatenciesMs;

    public void Record(in Outcome outcome, bool retry = false)
    {
        if (outcome.Accepted && Window.Measures(outcome.AnsweredAt))
        {
            AnsweredInWindow++;
        }

        if (!Window.Measures(outcome.SentAt))
        {
            return;
        }

        Sent++;
        FirstTries += retry ? 0 : 1;
        _statuses[outcome.Status] = _statuses.GetValueOrDefault(outcome.Status) + 1;
        if (outcome.Accepted)
        {
            _acceptedLatenciesMs.Add(outcome.LatencyMs);
        }
    }

    public void HoldBack(long arrival)
    {
        if (Window.Measures(arrival))
        {
            HeldBack++;
        }
    }

    public static Tally Merge(PhaseWindow window, IEnumerable<Tally> parts)
    {
        var total = new Tally(window);
        foreach (var part in parts)
        {
            total.Sent += part.Sent;
            total.FirstTries += part.FirstTries;
            total.AnsweredInWindow += part.AnsweredInWindow;
            total.HeldBack += part.HeldBack;
            total._acceptedLatenciesMs.AddRange(part._acceptedLatenciesMs);
            foreach (var (status, count) in part._statuses)
            {
                total._statuses[status] = total._statuses.GetValueOrDefault(status) + count;
            }
        }

        return total;
    }

    /// <summary>Nearest rank: the smallest accepted latency with at least <paramref name="fraction"/> of them at or below it.</summary>
    public double AcceptedPercentileMs(double fraction)
    {
        if (_acceptedLatenciesMs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _acceptedLatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
