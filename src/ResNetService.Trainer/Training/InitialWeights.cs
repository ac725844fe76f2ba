using ResNetService.Trainer.Model;
using ResNetService.Trainer.Weights;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>
/// Starts a network from the weights of a file: an export of ours, or any ResNet whose tensors carry torchvision's
/// state_dict names (an ONNX file, a PyTorch state_dict, a safetensors file), to train further or to fine-tune on
/// other data. Every tensor the network has must be in the file with its shape, and the file may hold nothing the
/// network lacks, so another architecture is refused; only a classifier for another number of classes starts afresh.
/// </summary>
public static class InitialWeights
{
    /// <summary>Prefixes that wrappers add to every name: nn.DataParallel's <c>module.</c>, Lightning's and others' <c>model.</c>.</summary>
    private static readonly string[] WrapperPrefixes = ["module.", "model."];

    /// <summary>State_dict entries that are bookkeeping, not weights: present or not, they are not copied.</summary>
    private const string BatchCounter = "num_batches_tracked";

    /// <summary>Copies the weights and returns one line saying what was loaded and what was skipped.</summary>
    public static string Load(ResNet model, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Initial weights {path} do not exist.", path);
        }

        var (file, prefix) = StripWrapperPrefix(WeightFile.Read(path));
        var architecture = model.Config.Architecture.Name;
        var classifier = model.Network.Head.OfType<Topology.Linear>().Single().Name + ".";
        var targets = model.state_dict().Where(entry => entry.Value.is_floating_point()).ToList();

        var missing = targets.Select(t => t.Key).Where(name => !file.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{path} is not a {architecture} with torchvision's names: it lacks {Some(missing)}.");
        }

        var known = model.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        var foreign = file.Keys.Where(name => !known.Contains(name) && IsWeightName(name)).ToList();
        if (foreign.Count > 0)
        {
            throw new InvalidDataException($"{path} holds tensors a {architecture} lacks ({Some(foreign)}): it is another architecture.");
        }

        var skipped = new List<string>();
        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            var source = file[name];
            if (!source.Shape.SequenceEqual(target.shape))
            {
                if (name.StartsWith(classifier, StringComparison.Ordinal))
                {
                    skipped.Add(name);
                    continue;
                }

                throw new InvalidDataException(
                    $"{path}: '{name}' is [{string.Join(", ", source.Shape)}], a {architecture} here needs [{string.Join(", ", target.shape)}]: it is another architecture.");
            }

            using var values = tensor(source.Values, target.shape, target.dtype);
            target.copy_(values);
        }

        var renamed = prefix.Length == 0 ? "" : $" (names without their '{prefix}' prefix)";
        var fresh = skipped.Count == 0 ? "" :
            $"; {string.Join(", ", skipped)} start afresh: the file's classifier has {file[skipped[0]].Shape[0]} classes, the network {model.Config.NumClasses}";
        return $"Initial weights: loaded {targets.Count - skipped.Count} of {targets.Count} tensors from {path}{renamed}{fresh}.";
    }

    /// <summary>Removes a prefix every name shares when it is a known wrapper's, repeatedly (<c>module.model.</c>).</summary>
    private static (IReadOnlyDictionary<string, WeightTensor> Tensors, string Prefix) StripWrapperPrefix(IReadOnlyDictionary<string, WeightTensor> tensors)
    {
        var prefix = "";
        while (tensors.Count > 0 && WrapperPrefixes.FirstOrDefault(p => tensors.Keys.All(name => name.StartsWith(p, StringComparison.Ordinal))) is { } wrapper)
        {
            prefix += wrapper;
            tensors = tensors.ToDictionary(entry => entry.Key[wrapper.Length..], entry => entry.Value, StringComparer.Ordinal);
        }

        return (tensors, prefix);
    }

    /// <summary>
    /// A name a state_dict would use for a parameter or statistic. An ONNX file also holds constants of its graph
    /// (shapes, axes), which are not weights of another network.
    /// </summary>
    private static bool IsWeightName(string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal) ||
        name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal) ||
        name.EndsWith("." + BatchCounter, StringComparison.Ordinal);

    private static string Some(List<string> names) =>
        string.Join(", ", names.Take(3)) + (names.Count > 3 ? $" and {names.Count - 3} more" : "");
}
