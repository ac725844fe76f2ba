using System.CommandLine;
using ResNetService.Topology;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Native;
using ResNetService.Trainer.Summary;

namespace ResNetService.Trainer.Commands;

/// <summary><c>summary</c>: a Keras-style table of a network's layers, and optionally a drawing of it.</summary>
public static class SummaryCommand
{
    private const string DefaultStyle = "default";
    private const string KerasStyle = "keras";
    private const string BlockLevel = "block";
    private const string LayerLevel = "layer";

    public static Command Create()
    {
        var architecture = NetworkOptions.Architecture();
        var imageSize = NetworkOptions.ImageSize(224);
        var classes = NetworkOptions.Classes(1000);
        var variant = NetworkOptions.Variant();
        var head = NetworkOptions.Head();
        var style = OptionFactory.Choice("--style", DefaultStyle,
            "Table layout: default (this trainer's table, shapes [channels, height, width]) or keras (Keras' own layout: " +
            "output shapes (None, H, W, C), Connected to, add and activation rows).", DefaultStyle, KerasStyle);
        var plotLevel = OptionFactory.Choice("--plot-level", BlockLevel,
            "What --plot draws: block (the stem, one box per residual block, the head) or layer (every layer with its shape, residual connections drawn).",
            BlockLevel, LayerLevel);
        var plot = new Option<FileInfo?>("--plot")
        {
            Description = "Also draw the network to this file: .svg (text) or .png.",
        };
        plot.Validators.Add(result =>
        {
            var extension = Path.GetExtension(result.GetValueOrDefault<FileInfo?>()?.Name ?? "").ToLowerInvariant();
            if (extension is not (".svg" or ".png"))
            {
                result.AddError("--plot needs a file name ending in .svg or .png.");
            }
        });

        var command = new Command("summary", "Print every layer's output shape and parameter count, like Keras' model.summary().")
        {
            architecture, imageSize, classes, variant, head, style, plot, plotLevel,
        };
        command.SetAction(parseResult =>
        {
            TorchRuntime.EnsureLoaded();
            var config = new ResNetConfig(
                parseResult.GetValue(architecture)!, parseResult.GetValue(classes), ResNetVariants.Parse(parseResult.GetValue(variant)!),
                Head: ResNetHeads.Parse(parseResult.GetValue(head)!), ImageSize: parseResult.GetValue(imageSize));
            var summary = ModelSummary.Create(config, parseResult.GetValue(imageSize));
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(style) == KerasStyle)
            {
                KerasSummaryTable.Write(summary, output);
            }
            else
            {
                SummaryTable.Write(summary, CliConsole.Create(output));
            }

            if (parseResult.GetValue(plot) is { } file)
            {
                var picture = parseResult.GetValue(plotLevel) == LayerLevel ? LayerPlot.Layout(summary) : NetworkPlot.Layout(summary);
                WritePlot(picture, file.FullName);
                output.WriteLine($"Plot written to {file.FullName}");
            }

            return 0;
        });
        return command;
    }

    private static void WritePlot(NetworkPicture picture, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            File.WriteAllBytes(path, PngPictureWriter.ToPng(picture));
        }
        else
        {
            File.WriteAllText(path, SvgPictureWriter.ToSvg(picture));
        }
    }
}
