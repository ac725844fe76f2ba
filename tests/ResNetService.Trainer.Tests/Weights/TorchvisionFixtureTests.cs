using System.Text.Json;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

/// <summary>
/// A file real PyTorch wrote (Fixtures/make_torch_fixture.py, torch 1.13): torchvision's names under DataParallel's
/// "module." prefix, a transposed view, slices at storage offsets, float16, bfloat16 and int64 tensors, and the
/// state_dict's _metadata. Every element must equal what torch.load gave back, listed in the expected JSON.
/// </summary>
public sealed class TorchvisionFixtureTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Weights", "Fixtures");

    [Fact]
    public void Every_tensor_matches_what_pytorch_read_back()
    {
        var tensors = PyTorchCheckpoint.Read(Path.Combine(Fixtures, "torchvision-names.pth"));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "torchvision-names.expected.json")));

        Assert.Equal(expected.RootElement.EnumerateObject().Select(p => p.Name), tensors.Keys);
        foreach (var property in expected.RootElement.EnumerateObject())
        {
            var tensor = tensors[property.Name];
            Assert.Equal(property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), tensor.Shape);
            Assert.Equal(property.Value.GetProperty("dtype").GetString(), tensor.StoredAs);
            Assert.Equal(property.Value.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()), tensor.Values);
        }

        Assert.Equal("module.conv1.weight", tensors.Keys.First());
        Assert.Equal(["float32", "int64", "float16", "bfloat16"], tensors.Values.Select(t => t.StoredAs).Distinct());
    }
}
