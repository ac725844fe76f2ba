using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ResNetService.Api.V2;

/// <summary>
/// Writes an inference response: plain JSON (<c>application/json</c>) when no output is binary, else the JSON header,
/// then each binary output's bytes in output order (<c>application/octet-stream</c>, with the header's length in
/// <c>Inference-Header-Content-Length</c>). Non-finite FP32 values, which JSON numbers cannot hold, are written as the
/// strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public sealed class V2InferenceResult(V2InferenceResponse response) : IResult
{
    public V2InferenceResponse Response { get; } = response;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(body))
        {
            WriteHeader(json);
        }

        var headerLength = body.WrittenCount;
        var binary = false;
        foreach (var output in Response.Outputs.Where(o => o.Binary))
        {
            binary = true;
            if (output.Floats is { } floats)
            {
                BinaryTensorData.WriteFloats(body, floats);
            }
            else
            {
                BinaryTensorData.WriteElements(body, output.Elements!);
            }
        }

        var http = httpContext.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentLength = body.WrittenCount;
        if (binary)
        {
            http.ContentType = BinaryTensorData.ContentType;
            http.Headers[BinaryTensorData.HeaderName] = headerLength.ToString();
        }
        else
        {
            http.ContentType = "application/json";
        }

        await http.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
    }

    private void WriteHeader(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("model_name", Response.ModelName);
        json.WriteString("model_version", Response.ModelVersion);
        if (Response.Id is { } id)
        {
            json.WriteString("id", id);
        }

        json.WriteStartArray("outputs");
        foreach (var output in Response.Outputs)
        {
            json.WriteStartObject();
            json.WriteString("name", output.Name);
            json.WriteString("datatype", output.Datatype);
            json.WriteStartArray("shape");
            foreach (var dimension in output.Shape)
            {
                json.WriteNumberValue(dimension);
            }

            json.WriteEndArray();
            if (output.Binary)
            {
                json.WriteStartObject("parameters");
                json.WriteNumber("binary_data_size", output.Floats is { } floats ? floats.Length * 4L : BinaryTensorData.ElementsSize(output.Elements!));
                json.WriteEndObject();
            }
            else
            {
                WriteData(json, output);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter json, V2OutputTensor output)
    {
        json.WriteStartArray("data");
        if (output.Floats is { } floats)
        {
            foreach (var value in floats)
            {
                if (float.IsFinite(value))
                {
                    json.WriteNumberValue(value);
                }
                else
                {
                    json.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                }
            }
        }
        else
        {
            foreach (var element in output.Elements!)
            {
                json.WriteStringValue(Encoding.UTF8.GetString(element));
            }
        }

        json.WriteEndArray();
    }
}
