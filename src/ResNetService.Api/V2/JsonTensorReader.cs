using System.Text.Json;

namespace ResNetService.Api.V2;

/// <summary>
/// Reads a tensor's JSON <c>data</c> array, flat or nested as its shape (row-major either way, as the protocol allows),
/// straight into its destination: no boxing, no intermediate lists. Nested data must match the shape at every level.
/// </summary>
public static class JsonTensorReader
{
    /// <summary>FP32 data: finite numbers, exactly <c>destination.Length</c> of them.</summary>
    public static void ReadFloats(ReadOnlySpan<byte> data, IReadOnlyList<long> shape, string input, Span<float> destination)
    {
        var written = 0;
        var reader = new Walker(data, shape, input);
        while (reader.NextElement(out var element))
        {
            if (element.TokenType != JsonTokenType.Number)
            {
                throw new V2Exception($"The data of input '{input}' holds {Kind(element.TokenType)}; FP32 data are numbers.");
            }

            if (!element.TryGetSingle(out var value) || !float.IsFinite(value))
            {
                throw new V2Exception($"Value {written} of input '{input}' is not a finite FP32 number.");
            }

            if (written == destination.Length)
            {
                throw TooMany(input, shape, destination.Length);
            }

            destination[written++] = value;
        }

        if (written != destination.Length)
        {
            throw new V2Exception($"Input '{input}' has shape {V2Shapes.Format(shape)} ({destination.Length} values), but its data holds {written}.");
        }
    }

    /// <summary>BYTES data as base64 strings (parameter <c>content_type: base64</c>), exactly <paramref name="count"/> of them.</summary>
    public static byte[][] ReadBase64(ReadOnlySpan<byte> data, IReadOnlyList<long> shape, string input, int count)
    {
        var elements = new byte[count][];
        var read = 0;
        var reader = new Walker(data, shape, input);
        while (reader.NextElement(out var element))
        {
            if (element.TokenType != JsonTokenType.String)
            {
                throw new V2Exception($"The data of input '{input}' holds {Kind(element.TokenType)}; BYTES data are strings.");
            }

            if (read == count)
            {
                throw TooMany(input, shape, count);
            }

            if (!element.TryGetBytesFromBase64(out var bytes))
            {
                throw new V2Exception($"Element {read} of input '{input}' is not valid base64.");
            }

            elements[read++] = bytes;
        }

        if (read != count)
        {
            throw new V2Exception($"Input '{input}' has shape {V2Shapes.Format(shape)} ({count} elements), but its data holds {read}.");
        }

        return elements;
    }

    private static V2Exception TooMany(string input, IReadOnlyList<long> shape, int count) =>
        new($"Input '{input}' has shape {V2Shapes.Format(shape)} ({count} values), but its data holds more.");

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "an object",
    };

    /// <summary>Walks the arrays and hands out the scalar elements in row-major order, checking the nesting.</summary>
    private ref struct Walker(ReadOnlySpan<byte> data, IReadOnlyList<long> shape, string input)
    {
        private Utf8JsonReader _reader = new(data);
        private readonly IReadOnlyList<long> _shape = shape;
        private readonly string _input = input;
        private readonly int[] _perDepth = new int[Math.Max(1, shape.Count)]; // entries seen at each open level
        private int _depth;
        private bool? _nested;

        /// <summary>The next scalar, positioned on it; false after the outermost array closes.</summary>
        public bool NextElement(out Utf8JsonReader element)
        {
            while (_reader.Read())
            {
                switch (_reader.TokenType)
                {
                    case JsonTokenType.StartArray:
                        if (_depth > 0)
                        {
                            if (_nested == false || _depth >= _shape.Count)
                            {
                                throw Nesting();
                            }

                            _nested = true;
                            _perDepth[_depth - 1]++;
                            _perDepth[_depth] = 0;
                        }

                        _depth++;
                        break;
                    case JsonTokenType.EndArray:
                        if (_nested == true && _perDepth[_depth - 1] != _shape[_depth - 1])
                        {
                            throw Nesting();
                        }

                        if (--_depth == 0)
                        {
                            element = default;
                            return false;
                        }

                        break;
                    case JsonTokenType.StartObject:
                        throw new V2Exception($"The data of input '{_input}' holds an object; tensor data are arrays of values.");
                    default:
                        if (_nested == true ? _depth != _shape.Count : _depth != 1)
                        {
                            throw Nesting();
                        }

                        _nested ??= _depth > 1 ? true : _shape.Count == 1 ? null : false;
                        _perDepth[_depth - 1]++;
                        element = _reader;
                        return true;
                }
            }

            element = default;
            return false;
        }

        private readonly V2Exception Nesting() => new(
            $"The data of input '{_input}' is nested unlike its shape {V2Shapes.Format(_shape)}: give it flat, or nested exactly as the shape.");
    }
}
