using System.Globalization;
using System.Text;

namespace ResNetService.Benchmarks.Load;

/// <summary>The table of phases and the ratios the aim is stated in.</summary>
public static class Report
{
    public const double GoodputAim = 0.8;
    public const double P99Aim = 2.0;

    public static string Table(IReadOnlyList<PhaseResult> phases)
    {
        var text = new StringBuilder();
        text.AppendLine(Row("phase", "offered/s", "first/s", "sent/s", "goodput/s", "503", "other", "held back", "p50 ms", "p99 ms",
            "gen cores", "svc cores", "svc peak MB", "svc log/s"));
        foreach (var phase in phases)
        {
            var use = phase.Resources;
            text.AppendLine(Row(
                phase.Name,
                phase.OfferedPerSecond is { } offered ? Number(offered) : "closed",
                Number(phase.FirstTriesPerSecond),
                Number(phase.SentPerSecond),
                Number(phase.Goodput),
                Percent(phase.RejectedShare),
                phase.OtherStatuses,
                phase.OfferedPerSecond is null ? "-" : Percent(phase.HeldBackShare),
                Number(phase.P50Ms),
                Number(phase.P99Ms),
                use.GeneratorCores.ToString("0.00", CultureInfo.InvariantCulture),
                use.ServiceCores.ToString("0.00", CultureInfo.InvariantCulture),
                (use.ServicePeakBytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + (use.PeakSincePhaseStart ? "" : "*"),
                Number(use.ServiceLogLinesPerSecond)));
        }

        if (phases.Any(phase => !phase.Resources.PeakSincePhaseStart))
        {
            text.AppendLine("* peak since the service started (/proc/<pid>/clear_refs was refused)");
        }

        return text.ToString();
    }

    /// <summary>For one client behaviour: goodput and p99 at the last multiple (4x by default) against the capacity phase.</summary>
    public static string Ratios(string behaviour, PhaseResult capacity, PhaseResult overload, double multiple)
    {
        var goodput = overload.Goodput / capacity.Goodput;
        var p99 = overload.P99Ms / capacity.P99Ms;
        var x = multiple.ToString("0.##", CultureInfo.InvariantCulture);
        return $"{behaviour,-20} goodput at {x}x / capacity = {goodput:0.00} (aim >= {GoodputAim}: {Verdict(goodput >= GoodputAim)}); " +
            $"p99 at {x}x / p99 at capacity = {p99:0.00} (aim <= {P99Aim}: {Verdict(p99 <= P99Aim)})";
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Number(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    private static string Percent(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    private static string Row(params string[] cells) =>
        $"{cells[0],-22}" + string.Concat(cells.Skip(1).Select((cell, i) => i == 5 ? $" {cell,-16}" : $" {cell,10}"));
}
