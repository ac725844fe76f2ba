using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

/// <summary>State_dicts pickled here the way torch.save writes them, read back element for element.</summary>
public sealed class PyTorchCheckpointTests
{
    [Fact]
    public void A_state_dict_keeps_its_names_shapes_values_and_order()
    {
        using var folder = new TempFolder();
        var path = folder["model.pth"];
        var conv = Enumerable.Range(0, 2 * 3 * 3 * 3).Select(i => i * 0.25f - 3).ToArray();
        TorchZipWriter.WriteStateDict(path,
            ("conv1.weight", [2, 3, 3, 3], conv),
            ("bn1.weight", [2], [1f, -1f]),
            ("fc.bias", [2], [0.5f, 1e-8f]));

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal(["conv1.weight", "bn1.weight", "fc.bias"], tensors.Keys);
        Assert.Equal(conv, tensors["conv1.weight"].Values);
        Assert.Equal([2L, 3, 3, 3], tensors["conv1.weight"].Shape);
        Assert.Equal("float32", tensors["conv1.weight"].StoredAs);
        Assert.Equal("conv1.weight", tensors["conv1.weight"].Name);
        Assert.Equal([0.5f, 1e-8f], tensors["fc.bias"].Values);
    }

    [Fact]
    public void Float16_bfloat16_int64_and_other_storages_widen_exactly()
    {
        using var folder = new TempFolder();
        var path = folder["types.pth"];
        var tenth = (float)(Half)0.1f;
        var storages = new Dictionary<string, byte[]>
        {
            ["h"] = LittleEndian.Float16(tenth, -65504f),
            ["b"] = LittleEndian.BFloat16(-3.140625f, 256f),
            ["l"] = LittleEndian.Int64(1234567, -2),
            ["d"] = LittleEndian.Float64(0.1, -1e300),
            ["i"] = LittleEndian.Int32(-5),
            ["s"] = LittleEndian.Int16(-300),
            ["c"] = [0x80],
            ["u"] = [0xfe],
            ["t"] = [1, 0],
        };
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(
            TorchTensor.Contiguous("half", "HalfStorage", "h", 2),
            TorchTensor.Contiguous("bfloat", "BFloat16Storage", "b", 2),
            TorchTensor.Contiguous("bn.num_batches_tracked", "LongStorage", "l", 2) with { Size = [], Stride = [] },
            TorchTensor.Contiguous("double", "DoubleStorage", "d", 2),
            TorchTensor.Contiguous("int", "IntStorage", "i", 1),
            TorchTensor.Contiguous("short", "ShortStorage", "s", 1),
            TorchTensor.Contiguous("char", "CharStorage", "c", 1),
            TorchTensor.Contiguous("byte", "ByteStorage", "u", 1),
            TorchTensor.Contiguous("bool", "BoolStorage", "t", 2)), storages);

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal([tenth, -65504f], tensors["half"].Values);
        Assert.Equal("float16", tensors["half"].StoredAs);
        Assert.Equal([-3.140625f, 256f], tensors["bfloat"].Values);
        Assert.Equal("bfloat16", tensors["bfloat"].StoredAs);
        Assert.Equal([1234567f], tensors["bn.num_batches_tracked"].Values);
        Assert.Empty(tensors["bn.num_batches_tracked"].Shape);
        Assert.Equal("int64", tensors["bn.num_batches_tracked"].StoredAs);
        Assert.Equal([0.1f, float.NegativeInfinity], tensors["double"].Values);
        Assert.Equal([-5f], tensors["int"].Values);
        Assert.Equal([-300f], tensors["short"].Values);
        Assert.Equal([-128f], tensors["char"].Values);
        Assert.Equal([254f], tensors["byte"].Values);
        Assert.Equal([1f, 0f], tensors["bool"].Values);
        Assert.Equal(["float64", "int32", "int16", "int8", "uint8", "bool"], new[] { "double", "int", "short", "char", "byte", "bool" }.Select(n => tensors[n].StoredAs));
    }

    [Fact]
    public void A_transposed_view_and_a_slice_at_an_offset_come_out_row_major()
    {
        using var folder = new TempFolder();
        var path = folder["views.pth"];
        // Storage 0 holds a 2x3 matrix [[0 1 2] [3 4 5]]; fc.weight is its transpose: shape (3, 2), stride (1, 3).
        // Storage 1 holds a 4x4 matrix 0..15; the slice [1:3, 1:3] starts at offset 5 with stride (4, 1).
        var storages = new Dictionary<string, byte[]>
        {
            ["0"] = LittleEndian.Float32(0, 1, 2, 3, 4, 5),
            ["1"] = LittleEndian.Float32([.. Enumerable.Range(0, 16).Select(i => (float)i)]),
        };
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(
            new TorchTensor("fc.weight", "FloatStorage", "0", 6, 0, [3, 2], [1, 3]),
            new TorchTensor("slice", "FloatStorage", "1", 16, 5, [2, 2], [4, 1]),
            new TorchTensor("row", "FloatStorage", "1", 16, 12, [4], [1]),
            new TorchTensor("expanded", "FloatStorage", "1", 16, 2, [2, 3], [0, 1])), storages);

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal([0f, 3, 1, 4, 2, 5], tensors["fc.weight"].Values);
        Assert.Equal([3L, 2], tensors["fc.weight"].Shape);
        Assert.Equal([5f, 6, 9, 10], tensors["slice"].Values);
        Assert.Equal([12f, 13, 14, 15], tensors["row"].Values);
        Assert.Equal([2f, 3, 4, 2, 3, 4], tensors["expanded"].Values);
    }

    [Fact]
    public void Tensors_sharing_a_storage_read_it_once_through_the_memo()
    {
        using var folder = new TempFolder();
        var path = folder["tied.pth"];
        var pickle = new PickleWriter().Proto().OrderedDict().Put(0).Op(PickleOpcodes.Mark)
            .String("embedding.weight").Tensor(TorchTensor.Contiguous("", "FloatStorage", "0", 2, 2)).Put(1)
            .String("decoder.weight").Get(1)
            .Op(PickleOpcodes.SetItems).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(1, 2, 3, 4) });

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal([1f, 2, 3, 4], tensors["embedding.weight"].Values);
        Assert.Equal([1f, 2, 3, 4], tensors["decoder.weight"].Values);
    }

    [Theory]
    [InlineData("state_dict")]
    [InlineData("model")]
    public void A_training_checkpoint_yields_the_state_dict_nested_in_it(string key)
    {
        using var folder = new TempFolder();
        var path = folder["checkpoint.pth"];
        var pickle = new PickleWriter().Proto().Op(PickleOpcodes.EmptyDict).Op(PickleOpcodes.Mark)
            .String("epoch").Int(1)
            .String("best_accuracy").Float(0.875)
            .String("arch").String("resnet50")
            .String("history").Op(PickleOpcodes.EmptyList).Op(PickleOpcodes.Mark).Int(1).Int(2).Op(PickleOpcodes.Appends)
            .String(key).StateDict([TorchTensor.Contiguous("fc.bias", "FloatStorage", "0", 2)])
            .Op(PickleOpcodes.SetItems).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(0.5f, -0.5f) });

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal(["fc.bias"], tensors.Keys);
        Assert.Equal([0.5f, -0.5f], tensors["fc.bias"].Values);
    }

    [Fact]
    public void Parameters_unwrap_and_the_state_dicts_metadata_is_ignored()
    {
        using var folder = new TempFolder();
        var path = folder["parameters.pth"];
        var pickle = new PickleWriter().Proto().OrderedDict().Op(PickleOpcodes.Mark)
            .String("fc.weight")
            .Global("torch._utils", "_rebuild_parameter").Op(PickleOpcodes.Mark)
            .Tensor(TorchTensor.Contiguous("", "FloatStorage", "0", 1, 2)).Op(PickleOpcodes.NewTrue).OrderedDict()
            .Op(PickleOpcodes.Tuple).Op(PickleOpcodes.Reduce)
            .Op(PickleOpcodes.SetItems)
            // state_dict()'s _metadata attribute, set by BUILD: {'_metadata': OrderedDict({'': {'version': 1}})}.
            .Op(PickleOpcodes.EmptyDict).String("_metadata").OrderedDict().String("").Op(PickleOpcodes.EmptyDict).String("version").Int(1)
            .Op(PickleOpcodes.SetItem).Op(PickleOpcodes.SetItem).Op(PickleOpcodes.SetItem)
            .Op(PickleOpcodes.Build).Op(PickleOpcodes.Stop).ToArray();
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(7, 8) });

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal(["fc.weight"], tensors.Keys);
        Assert.Equal([7f, 8], tensors["fc.weight"].Values);
    }

    [Fact]
    public void Protocol_4_opcodes_read_as_well()
    {
        using var folder = new TempFolder();
        var path = folder["protocol4.pth"];
        // FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL and TUPLE1/TUPLE2, as pickle protocol 4 writes a state_dict.
        var body = new PickleWriter()
            .Op(PickleOpcodes.ShortBinUnicode).Raw(11).Raw("collections"u8.ToArray()).Op(PickleOpcodes.Memoize)
            .Op(PickleOpcodes.ShortBinUnicode).Raw(11).Raw("OrderedDict"u8.ToArray()).Op(PickleOpcodes.Memoize)
            .Op(PickleOpcodes.StackGlobal).Op(PickleOpcodes.Memoize).Op(PickleOpcodes.EmptyTuple).Op(PickleOpcodes.Reduce).Op(PickleOpcodes.Memoize)
            .Op(PickleOpcodes.ShortBinUnicode).Raw(1).Raw("w"u8.ToArray())
            .Op(PickleOpcodes.ShortBinUnicode).Raw(12).Raw("torch._utils"u8.ToArray())
            .Op(PickleOpcodes.ShortBinUnicode).Raw(18).Raw("_rebuild_tensor_v2"u8.ToArray()).Op(PickleOpcodes.StackGlobal)
            .Op(PickleOpcodes.Mark).Op(PickleOpcodes.Mark)
            .Op(PickleOpcodes.ShortBinUnicode).Raw(7).Raw("storage"u8.ToArray())
            .Op(PickleOpcodes.ShortBinUnicode).Raw(5).Raw("torch"u8.ToArray())
            .Op(PickleOpcodes.ShortBinUnicode).Raw(12).Raw("FloatStorage"u8.ToArray()).Op(PickleOpcodes.StackGlobal)
            .Op(PickleOpcodes.ShortBinUnicode).Raw(1).Raw("0"u8.ToArray())
            .Op(PickleOpcodes.ShortBinUnicode).Raw(3).Raw("cpu"u8.ToArray()).Int(6).Op(PickleOpcodes.Tuple)
            .Op(PickleOpcodes.BinPersId).Int(0).Int(2).Int(3).Op(PickleOpcodes.Tuple2).Int(3).Int(1).Op(PickleOpcodes.Tuple2)
            .Op(PickleOpcodes.NewFalse).Get(2).Op(PickleOpcodes.EmptyTuple).Op(PickleOpcodes.Reduce)
            .Op(PickleOpcodes.Tuple).Op(PickleOpcodes.Reduce)
            .Op(PickleOpcodes.SetItem).Op(PickleOpcodes.Stop).ToArray();
        var pickle = new PickleWriter().Proto(4).Op(PickleOpcodes.Frame).Raw(LittleEndian.Int64(body.Length)).Raw(body).ToArray();
        TorchZipWriter.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(1, 2, 3, 4, 5, 6) }, archive: "protocol4");

        var tensors = PyTorchCheckpoint.Read(path);

        Assert.Equal([1f, 2, 3, 4, 5, 6], tensors["w"].Values);
        Assert.Equal([2L, 3], tensors["w"].Shape);
    }

    [Fact]
    public void A_little_endian_byteorder_entry_is_accepted()
    {
        using var folder = new TempFolder();
        var path = folder["little.pth"];
        TorchZipWriter.Write(path, PickleWriter.StateDictFile(TorchTensor.Contiguous("w", "FloatStorage", "0", 1)),
            new Dictionary<string, byte[]> { ["0"] = LittleEndian.Float32(3) }, byteOrder: "little");

        Assert.Equal([3f], PyTorchCheckpoint.Read(path)["w"].Values);
    }
}
