using ResNetService.Trainer.Drawing;
using ScottPlot;

namespace ResNetService.Trainer.Training;

/// <summary>Draws loss and accuracy per epoch (train, and validation or test) side by side into one PNG.</summary>
public static class TrainingCurves
{
    public const string FileName = "training-curves.png";

    public static void Save(string path, IReadOnlyList<EpochMetrics> history, string title)
    {
        PlotFonts.Register();
        double[] epochs = history.Select(m => (double)m.Epoch).ToArray();
        var split = history.Count > 0 ? history[0].Split : SelectionSplits.Test;

        var loss = new ScottPlot.Plot();
        loss.Add.Scatter(epochs, history.Select(m => m.TrainLoss).ToArray()).LegendText = "train";
        loss.Add.Scatter(epochs, history.Select(m => m.SelectionLoss).ToArray()).LegendText = split;
        Label(loss, $"{title}: loss", "cross-entropy");

        var accuracy = new ScottPlot.Plot();
        accuracy.Add.Scatter(epochs, history.Select(m => 100 * m.TrainAccuracy).ToArray()).LegendText = "train";
        accuracy.Add.Scatter(epochs, history.Select(m => 100 * m.SelectionAccuracy).ToArray()).LegendText = split;
        Label(accuracy, $"{title}: accuracy", "accuracy (%)");

        var multiplot = new ScottPlot.Multiplot();
        multiplot.Reset(loss);
        multiplot.AddPlot(accuracy);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1200, 450);
    }

    private static void Label(ScottPlot.Plot plot, string title, string yLabel)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
    }
}
