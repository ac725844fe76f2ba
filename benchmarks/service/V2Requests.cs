using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ResNetService.Benchmarks.Service;

/// <summary>
/// Open Inference Protocol (V2) request bodies for one ready tensor, built once before timing (a client's own
/// serialisation is not the service's cost): JSON with the data flat, and the binary tensor data extension.
/// </summary>
public sealed class V2Requests(string inputName, float[] tensor, int batch)
{
    private readonly byte[] _json = Json(inputName, tensor, batch);
    private readonly (byte[] Body, int HeaderLength) _binary = Binary(inputName, tensor, batch);

    /// <summary>JSON in, JSON out.</summary>
    public HttpContent JsonContent()
    {
        var content = new ByteArrayContent(_json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Binary in, binary out.</summary>
    public HttpContent BinaryContent()
    {
        var content = new ByteArrayContent(_binary.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", _binary.HeaderLength.ToString(CultureInfo.InvariantCulture));
        return content;
    }

    public int JsonBytes => _json.Length;

    public int BinaryBytes => _binary.Body.Length;

    private static string Shape(int batch) => $"[{batch}, 3, {BenchmarkInputs.ImageSize}, {BenchmarkInputs.ImageSize}]";

    private static byte[] Json(string inputName, float[] tensor, int batch)
    {
        var json = new StringBuilder(tensor.Length * 12);
        json.Append($"{{\"inputs\": [{{\"name\": \"{inputName}\", \"shape\": {Shape(batch)}, \"datatype\": \"FP32\", \"data\": [");
        for (var i = 0; i < tensor.Length; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(tensor[i].ToString(CultureInfo.InvariantCulture));
        }

        json.Append("]}]}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static (byte[] Body, int HeaderLength) Binary(string inputName, float[] tensor, int batch)
    {
        var header = Encoding.UTF8.GetBytes(
            $"{{\"inputs\": [{{\"name\": \"{inputName}\", \"shape\": {Shape(batch)}, \"datatype\": \"FP32\", " +
            $"\"parameters\": {{\"binary_data_size\": {tensor.Length * 4}}}}}], \"parameters\": {{\"binary_data_output\": true}}}}");
        var body = new byte[header.Length + tensor.Length * 4];
        header.CopyTo(body, 0);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()).CopyTo(body.AsSpan(header.Length)); // little-endian machines
        return (body, header.Length);
    }
}
