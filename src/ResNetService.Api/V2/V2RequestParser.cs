using System.Text.Json;

namespace ResNetService.Api.V2;

/// <summary>
/// Reads an inference request's JSON header with one <see cref="Utf8JsonReader"/> pass. Tensor <c>data</c> arrays are
/// only located here (they may come before the shape that gives them meaning) and read later by
/// <see cref="JsonTensorReader"/> straight into floats. Unknown properties and parameters are skipped.
/// </summary>
public static class V2RequestParser
{
    private const int MaxRank = 8;

    /// <exception cref="V2Exception">The JSON is malformed or a field has the wrong type.</exception>
    public static V2InferenceRequest Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseRequest(json);
        }
        catch (JsonException e)
        {
            throw new V2Exception($"The request is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e) // a token of the wrong kind for Get*(), e.g. a number where a string belongs
        {
            throw new V2Exception($"The request JSON has a value of the wrong type: {e.Message}");
        }
    }

    private static V2InferenceRequest ParseRequest(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        Expect(ref reader, JsonTokenType.StartObject, "the request");
        string? id = null;
        var inputs = new List<V2RequestInput>();
        List<V2RequestOutput>? outputs = null;
        var binaryDataOutput = false;
        var sawInputs = false;
        while (NextProperty(ref reader, out var property))
        {
            switch (property)
            {
                case "id":
                    id = String(ref reader, "id");
                    break;
                case "parameters":
                    Expect(ref reader, JsonTokenType.StartObject, "parameters");
                    while (NextProperty(ref reader, out var parameter))
                    {
                        if (parameter == "binary_data_output")
                        {
                            binaryDataOutput = Boolean(ref reader, "parameter binary_data_output");
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }

                    break;
                case "inputs":
                    sawInputs = true;
                    Expect(ref reader, JsonTokenType.StartArray, "inputs");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        inputs.Add(ParseInput(ref reader, inputs.Count));
                    }

                    break;
                case "outputs":
                    outputs = [];
                    Expect(ref reader, JsonTokenType.StartArray, "outputs");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        outputs.Add(ParseOutput(ref reader, outputs.Count));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.Read()) // Throws on anything but whitespace after the object.
        {
            throw new V2Exception("The request has more than one JSON value.");
        }

        if (!sawInputs)
        {
            throw new V2Exception("The request has no 'inputs'.");
        }

        return new V2InferenceRequest(id, inputs, outputs, binaryDataOutput);
    }

    private static V2RequestInput ParseInput(ref Utf8JsonReader reader, int index)
    {
        var what = $"inputs[{index}]";
        Expect(ref reader, JsonTokenType.StartObject, what);
        string? name = null, datatype = null, contentType = null;
        List<long>? shape = null;
        JsonSlice? data = null;
        long? binaryDataSize = null;
        while (NextProperty(ref reader, out var property))
        {
            switch (property)
            {
                case "name":
                    name = String(ref reader, $"{what}.name");
                    break;
                case "datatype":
                    datatype = String(ref reader, $"{what}.datatype");
                    break;
                case "shape":
                    shape = Shape(ref reader, what);
                    break;
                case "data":
                    Expect(ref reader, JsonTokenType.StartArray, $"{what}.data");
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = new JsonSlice(start, (int)reader.BytesConsumed - start);
                    break;
                case "parameters":
                    Expect(ref reader, JsonTokenType.StartObject, $"{what}.parameters");
                    while (NextProperty(ref reader, out var parameter))
                    {
                        switch (parameter)
                        {
                            case "binary_data_size":
                                binaryDataSize = Integer(ref reader, $"{what} parameter binary_data_size");
                                break;
                            case "content_type":
                                contentType = String(ref reader, $"{what} parameter content_type");
                                break;
                            default:
                                reader.Skip();
                                break;
                        }
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new V2RequestInput(
            name ?? throw new V2Exception($"{what} has no 'name'."),
            datatype ?? throw new V2Exception($"Input '{name}' has no 'datatype'."),
            shape ?? throw new V2Exception($"Input '{name}' has no 'shape'."),
            data, binaryDataSize, contentType);
    }

    private static V2RequestOutput ParseOutput(ref Utf8JsonReader reader, int index)
    {
        var what = $"outputs[{index}]";
        Expect(ref reader, JsonTokenType.StartObject, what);
        string? name = null;
        bool? binaryData = null;
        int? classification = null;
        while (NextProperty(ref reader, out var property))
        {
            if (property == "name")
            {
                name = String(ref reader, $"{what}.name");
            }
            else if (property == "parameters")
            {
                Expect(ref reader, JsonTokenType.StartObject, $"{what}.parameters");
                while (NextProperty(ref reader, out var parameter))
                {
                    switch (parameter)
                    {
                        case "binary_data":
                            binaryData = Boolean(ref reader, $"{what} parameter binary_data");
                            break;
                        case "classification":
                            var count = Integer(ref reader, $"{what} parameter classification");
                            classification = count is >= 1 and <= int.MaxValue
                                ? (int)count
                                : throw new V2Exception($"{what} parameter classification must be at least 1, not {count}.");
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new V2RequestOutput(name ?? throw new V2Exception($"{what} has no 'name'."), binaryData, classification);
    }

    private static List<long> Shape(ref Utf8JsonReader reader, string what)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"{what}.shape");
        var shape = new List<long>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dimension) || dimension < 0)
            {
                throw new V2Exception($"{what}.shape must be an array of non-negative integers.");
            }

            if (shape.Count == MaxRank)
            {
                throw new V2Exception($"{what}.shape has more than {MaxRank} dimensions.");
            }

            shape.Add(dimension);
        }

        return shape;
    }

    /// <summary>Moves to the next property of the current object and onto its value; false at the object's end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }

        name = reader.GetString()!;
        reader.Read();
        return true;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string what)
    {
        if (reader.TokenType != token)
        {
            var kind = token switch
            {
                JsonTokenType.StartObject => "an object",
                JsonTokenType.StartArray => "an array",
                _ => token.ToString(),
            };
            throw new V2Exception($"{Capitalise(what)} must be {kind}, not {Describe(reader.TokenType)}.");
        }
    }

    private static string String(ref Utf8JsonReader reader, string what) =>
        reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new V2Exception($"{Capitalise(what)} must be a string, not {Describe(reader.TokenType)}.");

    private static bool Boolean(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new V2Exception($"{Capitalise(what)} must be true or false, not {Describe(reader.TokenType)}."),
    };

    private static long Integer(ref Utf8JsonReader reader, string what) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)
            ? value
            : throw new V2Exception($"{Capitalise(what)} must be an integer, not {Describe(reader.TokenType)}.");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
