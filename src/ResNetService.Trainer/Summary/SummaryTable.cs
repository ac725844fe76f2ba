using System.Globalization;
using Spectre.Console;

namespace ResNetService.Trainer.Summary;

/// <summary>Prints a <see cref="ModelSummary"/> as Keras' model.summary() does: one row per layer, then the totals.</summary>
public static class SummaryTable
{
    public static void Write(ModelSummary summary, IAnsiConsole console)
    {
        var config = summary.Config;
        var table = new Table()
            .Title($"{config.Architecture.Name} ({summary.Variant}), {config.NumClasses} classes, " +
                   $"{config.InputChannels}x{summary.ImageSize}x{summary.ImageSize} input")
            .AddColumn("Layer (type)")
            .AddColumn("Output shape")
            .AddColumn(new TableColumn("Param #").RightAligned());

        foreach (var row in summary.Rows)
        {
            var name = Markup.Escape($"{row.Name} ({row.Type})");
            table.AddRow(
                row.Kind == SummaryRowKind.BlockOutput ? $"[bold]{name}[/]" : name,
                Markup.Escape(FormatShape(row.OutputShape)),
                row.Kind == SummaryRowKind.BlockOutput ? "" : Count(row.Parameters));
        }

        console.Write(table);
        console.WriteLine($"Total params: {Count(summary.TotalParameters)}");
        console.WriteLine($"Trainable params: {Count(summary.TrainableParameters)}");
        console.WriteLine($"Non-trainable params: {Count(summary.NonTrainableParameters)} (batch norm running mean and variance)");
        console.WriteLine("Output shapes leave out the batch dimension: [channels, height, width].");
    }

    public static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
