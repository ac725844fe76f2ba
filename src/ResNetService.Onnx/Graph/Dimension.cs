namespace ResNetService.Onnx.Graph;

/// <summary>
/// One axis of a declared input or output: a fixed size, or a symbolic name (a <c>dim_param</c>) whose size is
/// chosen at run time. Converts implicitly, so a shape reads <c>["batch", 3, 224, 224]</c>.
/// </summary>
public readonly record struct Dimension
{
    private Dimension(long? size, string? name)
    {
        Size = size;
        Name = name;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Name { get; }

    public static Dimension Fixed(long size) =>
        size > 0 ? new(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A fixed dimension must be positive.");

    public static Dimension Symbolic(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A symbolic dimension needs a name.", nameof(name)) : new(null, name);

    public static implicit operator Dimension(long size) => Fixed(size);

    public static implicit operator Dimension(int size) => Fixed(size);

    public static implicit operator Dimension(string name) => Symbolic(name);

    public override string ToString() => Name ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
