using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

/// <summary>Files that are not plain state_dicts, damaged ones and hostile ones: each one refused in one line.</summary>
public sealed class PyTorchCheckpointRefusalTests
{
    private static readonly Dictionary<string, byte[]> OneStorage = new() { ["0"] = LittleEndian.Float32(1, 2, 3, 4) };

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("__builtin__", "set")]
    [InlineData("subprocess", "Popen")]
    public void A_pickled_call_is_refused_by_name_and_nothing_runs(string module, string name)
    {
        using var folder = new TempFolder();
        var path = folder["evil.pth"];
        var marker = folder["pwned"];
        var pickle = new PickleWriter().Proto().Global(module, name).String($"touch {marker}").Op(PickleOpcodes.Tuple1)
            .Op(PickleOpcodes.Reduce).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]>());

        var message = WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path));

        Assert.Contains($"is not a plain state_dict: its pickle refers to '{module}.{name}'", message);
        Assert.Contains("save model.state_dict()", message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_call_hidden_inside_a_state_dict_is_refused_as_well()
    {
        using var folder = new TempFolder();
        var path = folder["hooked.pth"];
        var pickle = new PickleWriter().Proto().OrderedDict().Op(PickleOpcodes.Mark)
            .String("fc.weight").Tensor(TorchTensor.Contiguous("", "FloatStorage", "0", 4))
            .String("fc.bias").Global("numpy.core.multiarray", "_reconstruct").Op(PickleOpcodes.EmptyTuple).Op(PickleOpcodes.Reduce)
            .Op(PickleOpcodes.SetItems).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        Assert.Contains("refers to 'numpy.core.multiarray._reconstruct'", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_whole_pickled_model_is_refused_with_advice()
    {
        using var folder = new TempFolder();
        var path = folder["model.pth"];
        // torch.save(model) starts like this: the model's class, then NEWOBJ and its __dict__.
        var pickle = new PickleWriter().Proto().Global("torchvision.models.resnet", "ResNet").Put(0).Op(PickleOpcodes.EmptyTuple)
            .Op(0x81).Put(1).Op(PickleOpcodes.EmptyDict).Op(PickleOpcodes.Build).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        var message = WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path));

        Assert.Equal($"{path} is not a plain state_dict: its pickle refers to 'torchvision.models.resnet.ResNet', which this reader never loads; save model.state_dict() with torch.save instead", message);
    }

    [Fact]
    public void Allowed_globals_refuse_what_they_are_not_for()
    {
        using var folder = new TempFolder();
        var path = folder["storage-call.pth"];
        var pickle = new PickleWriter().Proto().Global("torch", "FloatStorage").Int(4).Op(PickleOpcodes.Tuple1).Op(PickleOpcodes.Reduce)
            .Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        Assert.Contains("its pickle calls torch.FloatStorage with a tuple of 1", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void Build_on_anything_but_a_dict_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["build.pth"];
        var pickle = new PickleWriter().Proto().Op(PickleOpcodes.EmptyList).Op(PickleOpcodes.EmptyDict).Op(PickleOpcodes.Build).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        Assert.Contains("sets the state of a list of 0", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Theory]
    [InlineData(new byte[0], "is empty")]
    [InlineData(new byte[] { 0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74 }, "is not a PyTorch checkpoint")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e }, "re-save it with torch >= 1.6")]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04, 0x00, 0x00 }, "is a damaged or truncated zip archive")]
    public void Files_that_are_not_torch_zips_are_refused(byte[] bytes, string reason)
    {
        using var folder = new TempFolder();
        var path = folder["weights.pth"];
        File.WriteAllBytes(path, bytes);

        Assert.Contains(reason, WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["cut.pth"];
        TorchZipWriter.WriteStateDict(path, ("w", [64], new float[64]));
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..300]);

        Assert.Contains("is a damaged or truncated zip archive", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_zip_without_data_pkl_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["other.zip"];
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
            zip.CreateEntry("deep/archive/data.pkl");
        }

        Assert.Contains("is a zip archive without an <archive>/data.pkl entry", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_storage_shorter_than_its_tensor_needs_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["short.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(TorchTensor.Contiguous("w", "FloatStorage", "0", 4)),
            new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(1, 2) });

        Assert.Contains("'archive/data/0' of 8 bytes, shorter than the 16 that tensor 'w' needs", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_view_beyond_its_storages_declared_size_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["beyond.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(new TorchTensor("w", "FloatStorage", "0", 4, 2, [3], [1])), OneStorage);

        Assert.Contains("reaches element 4 of storage '0', which holds 4", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_missing_storage_entry_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder["missing.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(TorchTensor.Contiguous("w", "FloatStorage", "7", 4)), OneStorage);

        Assert.Contains("lacks the entry 'archive/data/7'", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Theory]
    [InlineData(new long[] { 2, 2 }, new long[] { long.MaxValue, 1 }, "reach past any storage")]
    [InlineData(new long[] { 2, 2 }, new long[] { -1, 1 }, "negative storage offset or stride")]
    [InlineData(new long[] { 1L << 40, 1L << 40 }, new long[] { 1, 1 }, "too many elements to hold")]
    [InlineData(new long[] { -4 }, new long[] { 1 }, "negative size")]
    public void Hostile_sizes_and_strides_are_refused(long[] size, long[] stride, string reason)
    {
        using var folder = new TempFolder();
        var path = folder["hostile.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(new TorchTensor("w", "FloatStorage", "0", 4, 0, size, stride)), OneStorage);

        Assert.Contains(reason, WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void Too_many_dimensions_are_refused()
    {
        using var folder = new TempFolder();
        var path = folder["dims.pth"];
        var ones = Enumerable.Repeat(1L, 40).ToArray();
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(new TorchTensor("w", "FloatStorage", "0", 4, 0, ones, ones)), OneStorage);

        Assert.Contains("with 40 dimensions, more than 32", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void Many_large_views_of_one_small_storage_are_refused_before_memory_runs_out()
    {
        using var folder = new TempFolder();
        var path = folder["views.pth"];
        var views = Enumerable.Range(0, 1000).Select(i => new TorchTensor($"w{i}", "FloatStorage", "0", 4, 0, [1 << 20, 1 << 10], [0, 0])).ToArray();
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(views), OneStorage);

        Assert.Contains("far more than a state_dict shares", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void Storages_in_big_endian_order_are_refused()
    {
        using var folder = new TempFolder();
        var path = folder["big.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(TorchTensor.Contiguous("w", "FloatStorage", "0", 4)), OneStorage, byteOrder: "big");

        Assert.Contains("holds storages in 'big' byte order", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_dict_without_tensors_says_what_it_holds()
    {
        using var folder = new TempFolder();
        var path = folder["epoch.pth"];
        var pickle = new PickleWriter().Proto().Op(PickleOpcodes.EmptyDict).String("epoch").Int(1).Op(PickleOpcodes.SetItem)
            .Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        Assert.Contains("a dict (keys 'epoch') whose values are not all tensors, and no dict of tensors under 'state_dict' or 'model'",
            WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }

    [Fact]
    public void A_list_of_tensors_is_not_a_state_dict()
    {
        using var folder = new TempFolder();
        var path = folder["list.pth"];
        var pickle = new PickleWriter().Proto().Op(PickleOpcodes.EmptyList).Tensor(TorchTensor.Contiguous("", "FloatStorage", "0", 4))
            .Op(PickleOpcodes.Append).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, OneStorage);

        Assert.Contains("is not a plain state_dict: it holds a list of 1, not a dict of tensors", WeightFileErrors.Message(path, () => PyTorchCheckpoint.Read(path)));
    }
}
