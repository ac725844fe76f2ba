using System.Buffers.Binary;
using System.Text;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>
/// A tensor as torch.save pickles it: a view (offset, size, stride) into the storage <c>data/&lt;Key&gt;</c> of
/// <c>torch.&lt;StorageType&gt;</c>, which holds <paramref name="StorageElements"/> elements.
/// </summary>
internal sealed record TorchTensor(string Name, string StorageType, string Key, long StorageElements, long Offset, long[] Size, long[] Stride)
{
    /// <summary>A tensor that owns its whole storage, laid out row-major.</summary>
    public static TorchTensor Contiguous(string name, string storageType, string key, params long[] size)
    {
        var stride = new long[size.Length];
        long step = 1;
        for (var d = size.Length - 1; d >= 0; d--)
        {
            stride[d] = step;
            step *= size[d];
        }

        return new TorchTensor(name, storageType, key, step, 0, size, stride);
    }
}

/// <summary>
/// Assembles pickles opcode by opcode, as Python's pickler writes them for torch.save (protocol 2), so that tests can
/// make real-looking state_dicts and hostile variants alike.
/// </summary>
internal sealed class PickleWriter
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public PickleWriter Op(byte opcode) => Raw(opcode);

    public PickleWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleWriter Proto(byte protocol = 2) => Op(PickleOpcodes.Proto).Raw(protocol);

    public PickleWriter Global(string module, string name) => Op(PickleOpcodes.Global).Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));

    /// <summary>BINUNICODE: a 4-byte length, then UTF-8.</summary>
    public PickleWriter String(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Op(PickleOpcodes.BinUnicode).Raw(LittleEndian.Int32(utf8.Length)).Raw(utf8);
    }

    /// <summary>The shortest integer opcode for the value, as the pickler picks it.</summary>
    public PickleWriter Int(long value) => value switch
    {
        >= 0 and <= byte.MaxValue => Op(PickleOpcodes.BinInt1).Raw((byte)value),
        >= 0 and <= ushort.MaxValue => Op(PickleOpcodes.BinInt2).Raw(BitConverter.GetBytes((ushort)value)),
        >= int.MinValue and <= int.MaxValue => Op(PickleOpcodes.BinInt).Raw(LittleEndian.Int32((int)value)),
        _ => Op(PickleOpcodes.Long1).Raw(8).Raw(LittleEndian.Int64(value)),
    };

    public PickleWriter Float(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        return Op(PickleOpcodes.BinFloat).Raw(bytes);
    }

    public PickleWriter Put(int memo) => memo <= byte.MaxValue
        ? Op(PickleOpcodes.BinPut).Raw((byte)memo)
        : Op(PickleOpcodes.LongBinPut).Raw(LittleEndian.Int32(memo));

    public PickleWriter Get(int memo) => memo <= byte.MaxValue
        ? Op(PickleOpcodes.BinGet).Raw((byte)memo)
        : Op(PickleOpcodes.LongBinGet).Raw(LittleEndian.Int32(memo));

    /// <summary>A tuple of integers, as a tensor's size and stride are pickled.</summary>
    public PickleWriter Tuple(params long[] values)
    {
        Op(PickleOpcodes.Mark);
        foreach (var value in values)
        {
            Int(value);
        }

        return Op(PickleOpcodes.Tuple);
    }

    /// <summary>An empty <c>collections.OrderedDict()</c>: the global called with no arguments.</summary>
    public PickleWriter OrderedDict() => Global("collections", "OrderedDict").Op(PickleOpcodes.EmptyTuple).Op(PickleOpcodes.Reduce);

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c>, the storage a persistent id
    /// <c>('storage', torch.&lt;StorageType&gt;, key, 'cpu', elements)</c>.
    /// </summary>
    public PickleWriter Tensor(TorchTensor tensor) =>
        Global("torch._utils", "_rebuild_tensor_v2")
            .Op(PickleOpcodes.Mark)
            .Op(PickleOpcodes.Mark).String("storage").Global("torch", tensor.StorageType).String(tensor.Key).String("cpu").Int(tensor.StorageElements).Op(PickleOpcodes.Tuple)
            .Op(PickleOpcodes.BinPersId)
            .Int(tensor.Offset).Tuple(tensor.Size).Tuple(tensor.Stride).Op(PickleOpcodes.NewFalse).OrderedDict()
            .Op(PickleOpcodes.Tuple)
            .Op(PickleOpcodes.Reduce);

    /// <summary>An OrderedDict of name → tensor, as <c>model.state_dict()</c> is pickled (without its _metadata).</summary>
    public PickleWriter StateDict(IEnumerable<TorchTensor> tensors)
    {
        OrderedDict().Op(PickleOpcodes.Mark);
        foreach (var tensor in tensors)
        {
            String(tensor.Name).Tensor(tensor);
        }

        return Op(PickleOpcodes.SetItems);
    }

    /// <summary>A whole file's pickle: protocol 2, a state_dict, STOP.</summary>
    public static byte[] StateDictFile(params TorchTensor[] tensors) => new PickleWriter().Proto().StateDict(tensors).Op(PickleOpcodes.Stop).ToArray();
}
