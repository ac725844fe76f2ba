namespace ResNetService.Trainer.Weights;

/// <summary>
/// What the pickle of a state_dict saved by torch.save may build: OrderedDicts, tensors rebuilt from storages, and
/// nothing else. Any other global (a pickled model class, <c>os.system</c>, numpy) is refused by name before
/// anything is built with it.
/// </summary>
internal sealed class TorchPickleRules : IPickleRules
{
    private const string OrderedDict = "collections.OrderedDict";
    private const string RebuildTensor = "torch._utils._rebuild_tensor_v2";
    private const string RebuildParameter = "torch._utils._rebuild_parameter";
    private const string Size = "torch.Size";

    /// <summary>The typed storages torch.save names in a tensor's persistent id, and what their elements are.</summary>
    private static readonly Dictionary<string, StoredType> Storages = new(StringComparer.Ordinal)
    {
        ["torch.FloatStorage"] = StoredType.Float32,
        ["torch.DoubleStorage"] = StoredType.Float64,
        ["torch.HalfStorage"] = StoredType.Float16,
        ["torch.BFloat16Storage"] = StoredType.BFloat16,
        ["torch.LongStorage"] = StoredType.Int64,
        ["torch.IntStorage"] = StoredType.Int32,
        ["torch.ShortStorage"] = StoredType.Int16,
        ["torch.CharStorage"] = StoredType.Int8,
        ["torch.ByteStorage"] = StoredType.UInt8,
        ["torch.BoolStorage"] = StoredType.Bool,
    };

    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal) { OrderedDict, RebuildTensor, RebuildParameter, Size };

    public PickleGlobal Resolve(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        if (!Callables.Contains(global.FullName) && !Storages.ContainsKey(global.FullName))
        {
            throw new WeightFileProblem(
                $"is not a plain state_dict: its pickle refers to {WeightFileProblem.Quote(global.FullName)}, which this reader never loads; save model.state_dict() with torch.save instead");
        }

        return global;
    }

    public object? Call(object? callable, object? arguments)
    {
        if (callable is not PickleGlobal function || !Callables.Contains(function.FullName) || arguments is not PickleTuple args)
        {
            throw Refused($"calls {Describe(callable)} with {Describe(arguments)}");
        }

        return function.FullName switch
        {
            OrderedDict when args.Count == 0 => new PickleDict(),
            RebuildTensor => Tensor(args),
            RebuildParameter when args.Count >= 1 && args[0] is PickledTensor tensor => tensor,
            Size when args.Count == 1 && args[0] is PickleTuple sizes => sizes,
            _ => throw Refused($"calls {function.FullName} with {Describe(arguments)}"),
        };
    }

    /// <summary>A state_dict's OrderedDict carries a <c>_metadata</c> attribute (module versions): it is ignored.</summary>
    public void Build(object? target, object? state)
    {
        if (target is not PickleDict || state is not PickleDict)
        {
            throw Refused($"sets the state of {Describe(target)} to {Describe(state)}");
        }
    }

    /// <summary>torch.save's persistent id of a storage: ('storage', storage type, key, location, element count).</summary>
    public object? PersistentLoad(object? id)
    {
        if (id is PickleTuple { Count: 5 } tuple
            && tuple[0] is "storage"
            && tuple[1] is PickleGlobal storage && Storages.TryGetValue(storage.FullName, out var type)
            && tuple[2] is string key
            && tuple[4] is long count && count >= 0)
        {
            return new StorageReference(type, key, count);
        }

        throw Refused($"names a persistent object {Describe(id)}, not a storage");
    }

    /// <summary>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    private static PickledTensor Tensor(PickleTuple args)
    {
        if (args.Count is 6 or 7
            && args[0] is StorageReference storage
            && args[1] is long offset
            && args[2] is PickleTuple size && Integers(size) is { } sizes
            && args[3] is PickleTuple stride && Integers(stride) is { } strides
            && sizes.Length == strides.Length)
        {
            return new PickledTensor(storage, offset, sizes, strides);
        }

        throw Refused($"rebuilds a tensor from {Describe(args)}, not (storage, offset, size, stride, ...)");
    }

    private static long[]? Integers(PickleTuple tuple) =>
        tuple.Items.All(item => item is long) ? [.. tuple.Items.Cast<long>()] : null;

    private static WeightFileProblem Refused(string what) => new($"is not a plain state_dict: its pickle {what}");

    /// <summary>A few words on what a pickled value is, for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool flag => flag ? "True" : "False",
        long number => $"the integer {number}",
        double number => $"the number {number}",
        string text => $"the string {WeightFileProblem.Quote(text)}",
        byte[] bytes => $"{bytes.Length} bytes",
        PickleTuple tuple => $"a tuple of {tuple.Count}",
        List<object?> list => $"a list of {list.Count}",
        PickleDict dict => $"a dict of {dict.Count}",
        PickleGlobal global => global.FullName,
        StorageReference => "a storage",
        PickledTensor => "a tensor",
        _ => "an unknown value",
    };
}
