using System.CommandLine;
using ResNetService.Quantization;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Quantization;
using Spectre.Console;
using static ResNetService.Trainer.Cli.OptionFactory;

namespace ResNetService.Trainer.Commands;

/// <summary><c>quantize</c>: static int8 quantization of an fp32 ResNet ONNX file, calibrated on a data source.</summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "The fp32 ONNX model (ours, or a torchvision export at opset 13+).", Required = true };
        var data = new Option<string>("--data") { Description = $"Data set: {DataSource.Formats}. Its training split calibrates, its test split scores.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The int8 ONNX model to write (only when everything succeeded).", Required = true };
        var images = Count("--calibration-images", 256, "At most this many training images calibrate the activation ranges.");
        var method = Choice("--calibration", CalibrationMethod.PercentileName,
            "How ranges are chosen: percentile (clip the rarest values at each end) or minmax (the extremes seen).", [.. CalibrationMethod.Names]);
        var percentile = Number("--percentile", 99.999, "With --calibration percentile: the share of values kept at each end.", 50, 100, exclusiveMin: true);
        var batchSize = Count("--batch-size", 16, "Images per forward pass.");
        var labels = new Option<FileInfo?>("--labels") { Description = "Text file with the data set's class names, one per line (IDX sets without built-in names)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the draw of calibration images.", DefaultValueFactory = _ => 0 };
        var reduceRange = new Option<bool>("--reduce-range")
        {
            Description = "Weights in 7 bits, so the model is exact on every x86 core: without VNNI, ONNX Runtime's uint8 x int8 kernels can overflow " +
                "16-bit sums of full-range weights. Pass false for a fleet of VNNI cores only.",
            DefaultValueFactory = _ => true,
        };

        var command = new Command("quantize", "Quantize an fp32 ResNet ONNX model to int8 (QDQ), calibrated on images preprocessed as the service does; reports what ONNX Runtime fuses and fp32 against int8.")
        {
            model, data, output, images, method, percentile, batchSize, labels, seed, reduceRange,
        };
        command.SetAction(parse =>
        {
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            var request = new QuantizeRequest(parse.GetValue(model)!.FullName, parse.GetValue(data)!, parse.GetValue(output)!.FullName,
                parse.GetValue(images), CalibrationMethod.Parse(parse.GetValue(method)!, parse.GetValue(percentile)), parse.GetValue(batchSize), parse.GetValue(labels)?.FullName, parse.GetValue(seed),
                parse.GetValue(reduceRange));
            var outcome = WithProgress(console, progress => Int8Quantizer.Run(request, console.WriteLine, progress));
            Report(console, request, outcome);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>A bar on a terminal; a line at every quarter otherwise.</summary>
    private static T WithProgress<T>(IAnsiConsole console, Func<Action<int, int>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var reported = 0;
            return work((done, total) =>
            {
                if (done * 4 / total > reported)
                {
                    reported = done * 4 / total;
                    console.WriteLine($"calibrated {done}/{total} images");
                }
            });
        }

        return console.Progress().Start(context =>
        {
            ProgressTask? task = null;
            return work((done, total) =>
            {
                task ??= context.AddTask("calibrating", maxValue: total);
                task.Value = done;
            });
        });
    }

    private static void Report(IAnsiConsole console, QuantizeRequest request, QuantizeOutcome outcome)
    {
        var c = outcome.Comparison;
        var lines = new List<FormattableString>
        {
            c is { Fp32Accuracy: { } fp32, Int8Accuracy: { } int8 }
                ? (FormattableString)$"Test accuracy on {c.Images} images: fp32 {100 * fp32:F2}%, int8 {100 * int8:F2}% ({100 * (int8 - fp32):+0.00;-0.00} points)."
                : $"The test split's classes are not the model's: compared on {c.Images} images instead.",
            $"Top-1 agreement of int8 with fp32 {100 * c.Top1Agreement:F2}%, mean logit cosine {c.LogitCosine:F4}.",
            $"Wrote {request.OutputPath}: {outcome.Int8Bytes / 1e6:F1} MB (fp32: {outcome.Fp32Bytes / 1e6:F1} MB), calibrated on {outcome.CalibrationImages} images ({outcome.Calibration}).",
        };
        foreach (var line in lines)
        {
            console.WriteLine(FormattableString.Invariant(line));
        }
    }
}
