using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

public class RandomWeightsTests
{
    private static readonly ResNetConfig Config = new(ResNetArchitecture.ResNet18, NumClasses: 4);

    [Fact]
    public void The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        var first = RandomResNetModel.ToBytes(Config, seed: 1);

        Assert.Equal(first, RandomResNetModel.ToBytes(Config, seed: 1));
        Assert.NotEqual(first, RandomResNetModel.ToBytes(Config, seed: 2));
    }

    [Fact]
    public void Running_variances_are_positive_and_convolutions_follow_he_scale()
    {
        var weights = RandomResNetWeights.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 4), seed: 0);

        Assert.All(weights.Values.Where(t => t.Name.EndsWith(".running_var", StringComparison.Ordinal)),
            tensor => Assert.All(tensor.Data, value => Assert.True(value > 0, $"{tensor.Name} has variance {value}.")));

        var conv = weights["layer3.0.conv2.weight"];
        var fanIn = conv.Shape[1] * conv.Shape[2] * conv.Shape[3];
        var variance = conv.Data.Select(v => (double)v * v).Average();
        Assert.InRange(variance * fanIn / 2.0, 0.9, 1.1);
    }

    [Fact]
    public void Write_puts_a_loadable_file_on_disk()
    {
        var folder = Directory.CreateTempSubdirectory("onnx-tests-");
        try
        {
            var path = Path.Combine(folder.FullName, "nested", "model.onnx");
            RandomResNetModel.Write(path, Config, new Dictionary<string, string> { ["labels"] = "[]" });

            var model = Graph.OnnxModelFile.Read(path);
            Assert.Equal("[]", Assert.Single(model.MetadataProps).Value);
            Assert.Equal(RandomResNetModel.ToBytes(Config, new Dictionary<string, string> { ["labels"] = "[]" }), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
