using System.Text.Json;
using System.Text.Json.Serialization;
using ResNetService.Topology;
using ResNetService.Trainer.Model;

namespace ResNetService.Trainer.Checkpoints;

/// <summary>
/// A checkpoint is a path prefix such as <c>runs/x/best</c>: <c>best.json</c> (<see cref="CheckpointInfo"/>),
/// <c>best.weights</c> (the model, TorchSharp format) and, for <c>last</c>, <c>last.optimizer</c> (optimizer state).
/// </summary>
public static class Checkpoint
{
    public const string Last = "last";
    public const string Best = "best";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string InfoPath(string prefix) => prefix + ".json";

    public static string WeightsPath(string prefix) => prefix + ".weights";

    public static string OptimizerPath(string prefix) => prefix + ".optimizer";

    /// <summary>
    /// The prefix a user means: a run folder (its best checkpoint), a prefix, or any of the checkpoint's files.
    /// </summary>
    public static string Resolve(string path)
    {
        var prefix = Directory.Exists(path) ? Path.Combine(path, Best) : path;
        foreach (var extension in new[] { ".json", ".weights", ".optimizer" })
        {
            if (prefix.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                prefix = prefix[..^extension.Length];
            }
        }

        if (!File.Exists(InfoPath(prefix)) || !File.Exists(WeightsPath(prefix)))
        {
            throw new FileNotFoundException($"No checkpoint at {path}: expected {InfoPath(prefix)} and {WeightsPath(prefix)}.", InfoPath(prefix));
        }

        return prefix;
    }

    /// <summary>Writes weights, optional optimizer state, then the JSON last, so a JSON always has its weights.</summary>
    public static void Save(string prefix, ResNet model, CheckpointInfo info, TorchSharp.Modules.OptimizerHelper? optimizer = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
        WriteReplacing(WeightsPath(prefix), path => model.save(path));
        if (optimizer is not null)
        {
            WriteReplacing(OptimizerPath(prefix), path => optimizer.save_state_dict(path));
        }

        SaveInfo(prefix, info);
    }

    /// <summary>Rewrites only the JSON half, e.g. with the test accuracy measured when a run ends.</summary>
    public static void SaveInfo(string prefix, CheckpointInfo info) =>
        WriteReplacing(InfoPath(prefix), path => File.WriteAllText(path, JsonSerializer.Serialize(info, Json)));

    public static CheckpointInfo ReadInfo(string prefix)
    {
        try
        {
            return JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(InfoPath(prefix)), Json)
                ?? throw new InvalidDataException($"Checkpoint {InfoPath(prefix)} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Checkpoint {InfoPath(prefix)} is not valid: {e.Message}", e);
        }
    }

    /// <summary>The network a checkpoint describes, with its weights loaded, in evaluation mode.</summary>
    public static ResNet LoadModel(string prefix, CheckpointInfo info)
    {
        var model = CreateModel(info.Architecture, info.Variant, info.Labels.Count, head: info.Head, imageSize: info.ImageSize);
        try
        {
            model.load(WeightsPath(prefix));
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or FormatException)
        {
            model.Dispose();
            throw new InvalidDataException($"Weights {WeightsPath(prefix)} do not fit a {info.Architecture} with {info.Labels.Count} classes: {e.Message}", e);
        }

        model.eval();
        return model;
    }

    /// <param name="head">A <see cref="ResNetHeads"/> name (default "gap").</param>
    /// <param name="imageSize">The input side the network is built for; the avgpool2 head needs it, the others ignore it.</param>
    public static ResNet CreateModel(
        string architecture, string variant, int classes, bool zeroInitResidual = false, string? head = null, int? imageSize = null)
    {
        if (!ResNetArchitecture.TryParse(architecture, out var parsed))
        {
            throw new ArgumentException($"Unknown architecture '{architecture}'. Known: {string.Join(", ", ResNetArchitecture.All.Select(a => a.Name))}.");
        }

        var parsedHead = head is null ? ResNetHeads.Default : ResNetHeads.Parse(head);
        return new ResNet(new ResNetConfig(parsed, classes, ResNetVariants.Parse(variant), Head: parsedHead, ImageSize: imageSize), zeroInitResidual);
    }

    private static void WriteReplacing(string path, Action<string> write)
    {
        var temporary = path + ".tmp";
        write(temporary);
        File.Move(temporary, path, overwrite: true);
    }
}
