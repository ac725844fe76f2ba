namespace ResNetService.Trainer.Weights;

/// <summary>A Python tuple from a pickle.</summary>
internal sealed record PickleTuple(IReadOnlyList<object?> Items)
{
    public static readonly PickleTuple Empty = new([]);

    public int Count => Items.Count;

    public object? this[int index] => Items[index];
}

/// <summary>
/// A module-level name a pickle refers to (GLOBAL), after the rules allowed it. Only the rules give it meaning:
/// the unpickler never looks a name up in any runtime.
/// </summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A Python dict (or OrderedDict) from a pickle: entries keep their insertion order, as Python's do.</summary>
internal sealed class PickleDict
{
    /// <summary>Stands in for None as a key, since a .NET dictionary takes no null key.</summary>
    private static readonly object NoneKey = new();

    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _positions = [];

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    /// <summary>Adds an entry, or replaces the value of an equal key in its place, as Python does.</summary>
    public void Set(object? key, object? value)
    {
        if (key is List<object?> or PickleDict)
        {
            throw new WeightFileProblem("has a pickle that uses a list or a dict as a dict key, which Python cannot have written");
        }

        if (_positions.TryGetValue(key ?? NoneKey, out var position))
        {
            _entries[position] = new(key, value);
        }
        else
        {
            _positions.Add(key ?? NoneKey, _entries.Count);
            _entries.Add(new(key, value));
        }
    }

    public bool TryGetValue(string key, out object? value)
    {
        var found = _positions.TryGetValue(key, out var position);
        value = found ? _entries[position].Value : null;
        return found;
    }
}
