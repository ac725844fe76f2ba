namespace ResNetService.Trainer.Weights;

/// <summary>
/// What a pickle may build beyond plain data, decided by one format's rules: the <see cref="RestrictedUnpickler"/>
/// asks them at every GLOBAL, REDUCE, BUILD and persistent id, and they refuse all they do not know.
/// </summary>
internal interface IPickleRules
{
    /// <summary>Allows a global by name before anything is built with it, or throws a <see cref="WeightFileProblem"/>.</summary>
    PickleGlobal Resolve(string module, string name);

    /// <summary>REDUCE: what calling <paramref name="callable"/> with <paramref name="arguments"/> stands for.</summary>
    object? Call(object? callable, object? arguments);

    /// <summary>BUILD: sets <paramref name="state"/> on <paramref name="target"/>, or refuses.</summary>
    void Build(object? target, object? state);

    /// <summary>BINPERSID: what the persistent id stands for (in torch files, a storage).</summary>
    object? PersistentLoad(object? id);
}
