using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Deployment.Tests.Support;
using ResNetService.TestSupport;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// The published service's gRPC port, over real HTTP/2 without TLS: the .NET client, and an independent one (Debian's
/// Python grpcio, stubs built from the service's .proto by grpc_tools) whose answers must equal REST V2's and /classify's.
/// </summary>
public sealed partial class PublishedServiceTests
{
    [Fact]
    public async Task Answers_grpc_health_and_inference_over_http2_on_the_images_grpc_port()
    {
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var request = new ModelInferRequest { ModelName = "model" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
        {
            Name = "input",
            Datatype = "BYTES",
            Shape = { 1 },
            Contents = new InferTensorContents { BytesContents = { ByteString.CopyFrom(Png()) } },
        });

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        var answer = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(request);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal("classification", answer.Outputs[1].Name); // images get the scores and the top class
        Assert.Equal([1L, PublishedService.Labels.Length], answer.Outputs[0].Shape);
        Assert.Equal(2, answer.RawOutputContents.Count);
    }

    [Fact]
    public async Task A_python_grpcio_client_gets_rest_v2s_numbers_and_classifys_classes()
    {
        var python = DebianPackages.RequirePythonModule("grpc", "python3-grpcio");
        DebianPackages.RequirePythonModule("grpc_tools", "python3-grpc-tools");
        var metadata = await service.Client.GetFromJsonAsync<JsonElement>("/v2/models/model");
        var input = metadata.GetProperty("inputs")[0];
        var size = input.GetProperty("shape")[2].GetInt32();
        var values = Enumerable.Range(0, 2 * 3 * size * size).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        var folder = Directory.CreateTempSubdirectory("grpc-python-").FullName;
        var tensorFile = Path.Combine(folder, "tensor.bin");
        var imageFile = Path.Combine(folder, "image.png");
        await File.WriteAllBytesAsync(tensorFile, values.SelectMany(v => BitConverter.GetBytes(v)).ToArray());
        await File.WriteAllBytesAsync(imageFile, Png());

        var run = Tool.Run(python,
            [Repository.PathOf("tests/ResNetService.Deployment.Tests/Support/grpc_client.py"), Repository.PathOf("src/ResNetService.Api/Grpc/Protos"),
             $"{service.GrpcAddress.Host}:{service.GrpcAddress.Port}", "model", input.GetProperty("name").GetString()!, tensorFile, $"2,3,{size},{size}", imageFile, folder],
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"the Python client failed: {run}");
        var raw = await File.ReadAllBytesAsync(Path.Combine(folder, "raw_output.bin"));
        var grpc = Enumerable.Range(0, raw.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4))).ToArray();
        var pythonClasses = (await File.ReadAllTextAsync(Path.Combine(folder, "classification.txt"))).Split('\n');

        var rest = await V2JsonAnswerAsync(input.GetProperty("name").GetString()!, values, size);
        using var classify = await service.Client.PostAsync("/classify?top=2", new ByteArrayContent(Png()) { Headers = { ContentType = new("image/png") } });
        var expected = (await classify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").EnumerateArray()
            .Select(p => $"{p.GetProperty("probability").GetSingle().ToString(CultureInfo.InvariantCulture)}:{p.GetProperty("index").GetInt32()}:{p.GetProperty("label").GetString()}");

        Assert.Equal(rest.Length, grpc.Length);
        Assert.All(rest.Zip(grpc), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-5f, $"REST {pair.First}, gRPC {pair.Second}"));
        Assert.Equal(expected, pythonClasses);
        Directory.Delete(folder, recursive: true);
    }

    private async Task<float[]> V2JsonAnswerAsync(string input, float[] values, int size)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["datatype"] = "FP32",
                ["shape"] = new JsonArray(2, 3, size, size),
                ["data"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
            }),
        };
        using var response = await service.Client.PostAsJsonAsync("/v2/models/model/infer", request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. answer.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle())];
    }
}
