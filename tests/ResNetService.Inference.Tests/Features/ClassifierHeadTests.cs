using ResNetService.Inference.Features;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Inference.Tests.Features;

public sealed class ClassifierHeadTests
{
    [Fact]
    public void An_int8_graphs_head_is_found_through_its_quantize_pairs_with_its_weights_dequantized()
    {
        var fp32 = RandomResNetModel.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 10), imageSize: 32, seed: 4);
        var int8 = Int8Models.Quantize(fp32, imageSize: 32);

        var expected = ClassifierHead.Find(fp32.Graph, "logits", out _)!;
        var head = ClassifierHead.Find(int8.Graph, "logits", out var whyNot);

        Assert.True(head is not null, whyNot);
        Assert.Equal((expected.Classes, expected.Channels), (head.Classes, head.Channels));
        Assert.Contains(int8.Graph.Node, n => n.OpType == "Gemm" && n.Input[1].EndsWith("/dequantized", StringComparison.Ordinal));
        // Per-tensor int8 weights: each within half a step (max |w| / 127 / 2) of its fp32 value.
        var step = expected.Weights.Max(Math.Abs) / 127;
        Assert.All(expected.Weights.Zip(head.Weights), pair => Assert.InRange(pair.Second, pair.First - step, pair.First + step));
        Assert.All(expected.Bias!.Zip(head.Bias!), pair => Assert.InRange(pair.Second, pair.First - 1e-3f, pair.First + 1e-3f));
    }
}
