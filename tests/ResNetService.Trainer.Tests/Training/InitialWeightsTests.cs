using ResNetService.Topology;
using ResNetService.Trainer.Export;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Tests.Export;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Training;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Training;

public sealed class InitialWeightsTests
{
    private static readonly ResNetConfig ResNet18With10 = new(ResNetArchitecture.ResNet18, 10);

    [Fact]
    public void A_network_started_from_an_export_computes_what_the_exported_one_computes()
    {
        using var folder = new TempFolder();
        using var trained = TrainedLikeModels.Create(ResNet18With10, 32, seed: 1);
        using var fresh = TrainedLikeModels.Create(ResNet18With10, 32, seed: 2);
        var path = Export(trained, folder["model.onnx"]);

        var summary = InitialWeights.Load(fresh, path);

        var floats = fresh.state_dict().Count(entry => entry.Value.is_floating_point());
        Assert.Equal($"Initial weights: loaded {floats} of {floats} tensors from {path}.", summary);
        using var input = randn(2, 3, 32, 32);
        using var noGrad = no_grad();
        using var expected = trained.call(input);
        using var actual = fresh.call(input);
        Assert.Equal(0, (expected - actual).abs().max().item<float>(), 5);
        Assert.Equal(StateDict.ToNamedTensors(trained)["layer2.0.bn1.running_var"].Data, StateDict.ToNamedTensors(fresh)["layer2.0.bn1.running_var"].Data);
    }

    [Fact]
    public void Another_number_of_classes_keeps_the_fresh_classifier_and_says_so()
    {
        using var folder = new TempFolder();
        using var trained = TrainedLikeModels.Create(ResNet18With10, 32, seed: 1);
        using var fresh = TrainedLikeModels.Create(ResNet18With10 with { NumClasses = 4 }, 32, seed: 2);
        var freshClassifier = StateDict.ToNamedTensors(fresh)["fc.weight"].Data;

        var summary = InitialWeights.Load(fresh, Export(trained, folder["model.onnx"]));

        Assert.Contains("fc.weight, fc.bias start afresh: the file's classifier has 10 classes, the network 4", summary);
        var loaded = StateDict.ToNamedTensors(fresh);
        Assert.Equal(freshClassifier, loaded["fc.weight"].Data);
        Assert.Equal(StateDict.ToNamedTensors(trained)["layer4.1.conv2.weight"].Data, loaded["layer4.1.conv2.weight"].Data);
    }

    [Fact]
    public void A_file_of_another_architecture_is_refused_by_name()
    {
        using var folder = new TempFolder();
        using var resnet18 = TrainedLikeModels.Create(ResNet18With10, 32);
        using var resnet34 = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet34, 10));

        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(resnet34, Export(resnet18, folder["model.onnx"])));

        Assert.Contains("layer1.2.", error.Message);
        Assert.Contains("resnet34", error.Message);
    }

    [Fact]
    public void A_deeper_network_is_refused_although_it_holds_every_tensor_the_shallower_one_needs()
    {
        using var folder = new TempFolder();
        using var resnet34 = TrainedLikeModels.Create(ResNet18With10 with { Architecture = ResNetArchitecture.ResNet34 }, 32);
        using var resnet18 = new ResNet(ResNet18With10);

        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(resnet18, Export(resnet34, folder["model.onnx"])));

        Assert.Contains("holds tensors a resnet18 lacks (layer1.2.", error.Message);
        Assert.Contains("another architecture", error.Message);
    }

    [Theory]
    [InlineData("pytorch", "module.")]
    [InlineData("safetensors", "model.")]
    [InlineData("safetensors", "")]
    public void A_state_dict_with_torchvision_names_loads_from_pytorch_and_safetensors_files(string format, string prefix)
    {
        using var folder = new TempFolder();
        using var trained = TrainedLikeModels.Create(ResNet18With10, 32, seed: 1);
        using var fresh = TrainedLikeModels.Create(ResNet18With10, 32, seed: 2);
        // As torch.save writes a state_dict: batch counters (int64) included, under a wrapper's prefix.
        var tensors = trained.state_dict().Select(entry => (Name: prefix + entry.Key, Shape: entry.Value.shape, Values: Floats(entry.Value))).ToArray();
        var path = folder["weights.bin"];
        if (format == "pytorch")
        {
            TorchZipWriter.WriteStateDict(path, tensors);
        }
        else
        {
            SafetensorsWriter.Write(path, [.. tensors.Select(t => new SafetensorsTensor(t.Name, "F32", t.Shape, LittleEndian.Float32(t.Values)))]);
        }

        var summary = InitialWeights.Load(fresh, path);

        var floats = fresh.state_dict().Count(entry => entry.Value.is_floating_point());
        Assert.Equal($"Initial weights: loaded {floats} of {floats} tensors from {path}{(prefix == "" ? "" : $" (names without their '{prefix}' prefix)")}.", summary);
        using var input = randn(2, 3, 32, 32);
        using var noGrad = no_grad();
        using var expected = trained.call(input);
        using var actual = fresh.call(input);
        Assert.Equal(0, (expected - actual).abs().max().item<float>(), 5);
    }

    [Fact]
    public void A_wrong_shape_outside_the_classifier_is_another_architecture()
    {
        using var folder = new TempFolder();
        using var wide = new ResNet(ResNet18With10);
        var tensors = wide.state_dict().Where(e => e.Value.is_floating_point())
            .Select(e => (Name: e.Key, Shape: e.Key == "conv1.weight" ? new long[] { 64, 3, 3, 3 } : e.Value.shape, Values: e.Key == "conv1.weight" ? new float[64 * 27] : Floats(e.Value)))
            .ToArray();
        TorchZipWriter.WriteStateDict(folder["narrow.pth"], tensors);

        var error = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(wide, folder["narrow.pth"]));

        Assert.Equal($"{folder["narrow.pth"]}: 'conv1.weight' is [64, 3, 3, 3], a resnet18 here needs [64, 3, 7, 7]: it is another architecture.", error.Message);
    }

    [Fact]
    public void A_missing_or_corrupt_file_is_a_clear_error()
    {
        using var folder = new TempFolder();
        using var model = new ResNet(ResNet18With10);
        File.WriteAllBytes(folder["garbage.onnx"], [0xff, 0xff, 0xff, 0x07, 0x42]);
        File.WriteAllBytes(folder["empty.onnx"], []);

        Assert.Contains("do not exist", Assert.Throws<FileNotFoundException>(() => InitialWeights.Load(model, folder["absent.onnx"])).Message);
        Assert.Contains("not an ONNX model", Assert.Throws<InvalidDataException>(() => InitialWeights.Load(model, folder["garbage.onnx"])).Message);
        Assert.Contains("not an ONNX model", Assert.Throws<InvalidDataException>(() => InitialWeights.Load(model, folder["empty.onnx"])).Message);
    }

    private static float[] Floats(Tensor tensor)
    {
        using var values = tensor.detach().to_type(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }

    private static string Export(ResNet model, string path)
    {
        OnnxExporter.Write(model, path, new Dictionary<string, string>(), "test", imageSize: 32);
        return path;
    }
}
