using System.Globalization;

namespace ResNetService.Benchmarks.Load;

/// <summary>One phase's figures, as the table prints them.</summary>
public sealed record PhaseResult(string Name, double? OfferedPerSecond, Tally Tally, ResourceUse Resources)
{
    public double SentPerSecond => Tally.Sent / Tally.Window.MeasuredSeconds;

    public double FirstTriesPerSecond => Tally.FirstTries / Tally.Window.MeasuredSeconds;

    /// <summary>Answered images per second: 200 answers that arrived in the measured window.</summary>
    public double Goodput => Tally.AnsweredInWindow / Tally.Window.MeasuredSeconds;

    public double RejectedShare => Share(503);

    public double P50Ms => Tally.AcceptedPercentileMs(0.50);

    public double P99Ms => Tally.AcceptedPercentileMs(0.99);

    /// <summary>Statuses other than 200 and 503, e.g. "500 0.1 %, none 2.0 %" (none: no answer).</summary>
    public string OtherStatuses
    {
        get
        {
            var others = Tally.Statuses.Where(status => status.Key is not (200 or 503)).OrderBy(status => status.Key).ToList();
            return others.Count == 0
                ? "-"
                : string.Join(", ", others.Select(status =>
                    $"{(status.Key == Outcome.NoAnswer ? "none" : status.Key.ToString(CultureInfo.InvariantCulture))} {Share(status.Key):P1}"));
        }
    }

    /// <summary>The share of arrivals a client did not send because it was waiting out a Retry-After.</summary>
    public double HeldBackShare =>
        OfferedPerSecond is { } offered ? Tally.HeldBack / (offered * Tally.Window.MeasuredSeconds) : 0;

    private double Share(int status) => Tally.Sent == 0 ? 0 : Tally.Statuses.GetValueOrDefault(status) / (double)Tally.Sent;
}
