namespace ResNetService.Trainer.Tests.Architecture;

/// <summary>
/// Within each of our assemblies, a folder (= namespace) may use another only if that one does not use it back,
/// directly or round a loop: each folder can then be read, and moved, after the ones it stands on.
/// </summary>
public sealed class NamespaceCycleTests
{
    /// <summary>Our assemblies, each found by one of its types (the trainer's file is named after its command).</summary>
    private static readonly Dictionary<string, string> Files = new[]
    {
        typeof(global::ResNetService.Topology.ResNetConfig), typeof(global::ResNetService.Onnx.Graph.OnnxGraphBuilder),
        typeof(global::ResNetService.Quantization.StaticQuantizer), typeof(global::ResNetService.Inference.Model.OnnxSession),
        typeof(global::ResNetService.Api.Problems.ProblemKinds), typeof(global::ResNetService.Trainer.Cli.TrainerCli),
    }.ToDictionary(t => t.Assembly.GetName().Name!, t => t.Assembly.Location);

    public static TheoryData<string> Assemblies => new(Files.Keys);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_two_namespaces_use_each_other(string assembly)
    {
        var edges = NamespaceDependencies.Read(Files[assembly]);

        var pairs = NamespaceDependencies.MutualPairs(edges).Select(p => $"{p.There}\n  and back: {p.Back}");
        var loops = NamespaceDependencies.LongerCycles(edges).Select(loop => string.Join("\n  then ", loop));
        var problems = pairs.Concat(loops).ToList();

        Assert.True(problems.Count == 0, $"{assembly} has namespace cycles:\n{string.Join("\n", problems)}");
    }
}
