using System.Net.Http.Json;
using System.Numerics.Tensors;
using ResNetService.Api.Embeddings;
using ResNetService.Api.Explanations;
using ResNetService.Api.Models;
using ResNetService.Api.Tests.Support;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests;

/// <summary>
/// An int8 model made by this project's quantizer from the test model, served with no configuration beside the fp32
/// one: /model says what it is, and its answers are the fp32 model's within what int8 costs. Weights are in 7 bits,
/// so the bounds hold on cores with and without VNNI alike.
/// </summary>
public sealed class QuantizedModelTests(QuantizedModelTests.Services services) : IClassFixture<QuantizedModelTests.Services>
{
    [Fact]
    public async Task Model_info_says_the_int8_model_is_quantized_and_how()
    {
        var int8 = (await services.Int8.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;
        var fp32 = (await services.Fp32.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;

        Assert.Equal(ModelPrecision.Int8, int8.Precision);
        Assert.StartsWith("int8 static QDQ", int8.Quantization!.Scheme);
        Assert.Contains("7 bits", int8.Quantization.Scheme);
        Assert.Equal("minmax", int8.Quantization.Calibration);
        Assert.Equal(8, int8.Quantization.CalibrationImages);
        Assert.Equal(ModelPrecision.Fp32, fp32.Precision);
        Assert.Null(fp32.Quantization);
        Assert.Equal(fp32.Labels, int8.Labels);
        Assert.Equal((fp32.Preprocessing.ImageSize, fp32.Preprocessing.ResizeMode), (int8.Preprocessing.ImageSize, int8.Preprocessing.ResizeMode));
        Assert.Equal(fp32.Preprocessing.Mean, int8.Preprocessing.Mean);
        Assert.True(int8.FileSizeBytes < fp32.FileSizeBytes / 3, $"{int8.FileSizeBytes} bytes against {fp32.FileSizeBytes}");
    }

    [Fact]
    public async Task The_int8_model_gives_the_fp32_models_probabilities_within_a_bound()
    {
        for (var seed = 1; seed <= 6; seed++)
        {
            var image = TestImages.Png(seed);
            var fp32 = await services.Fp32.ClassifyAsync(image, top: TestModel.Labels.Length);
            var int8 = await services.Int8.ClassifyAsync(image, top: TestModel.Labels.Length);

            // A random-weight network's five probabilities; int8 moves each by a little, measured under 0.03 here.
            var expected = fp32.Predictions.ToDictionary(p => p.Label, p => p.Probability);
            Assert.All(int8.Predictions, p => Assert.InRange(p.Probability, expected[p.Label] - 0.035f, expected[p.Label] + 0.035f));
        }
    }

    [Fact]
    public async Task The_int8_model_gives_embeddings_and_explanations_as_the_fp32_model_does()
    {
        var image = TestImages.Png(1);

        var (fp32, int8) = (await EmbedAsync(services.Fp32, image), await EmbedAsync(services.Int8, image));
        var info = (await services.Int8.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;
        using var explained = await services.Int8.PostAsync("/explain?format=json", Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(explained);
        var explanation = (await explained.Content.ReadFromJsonAsync<ExplanationResponse>(Requests.Json))!;

        Assert.Equal([-1L, 512], info.Features.Embedding!.Shape);
        Assert.True(info.Features.Explanations, info.Features.ExplanationUnavailable);
        Assert.Equal(fp32.Length, int8.Length);
        var cosine = TensorPrimitives.CosineSimilarity(fp32, int8);
        Assert.True(cosine > 0.95, $"embedding cosine {cosine}");
        Assert.Equal((2, 2), (explanation.Width, explanation.Height)); // the 64-pixel input's last feature map
        Assert.All(explanation.Map, row => Assert.All(row, value => Assert.True(float.IsFinite(value))));
    }

    private static async Task<float[]> EmbedAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync("/embed", Requests.Multipart("image", image));
        await Requests.EnsureSuccessAsync(response);
        return [.. (await response.Content.ReadFromJsonAsync<EmbeddingResponse>(Requests.Json))!.Embedding];
    }

    /// <summary>The test model and its int8 version, each served on its own.</summary>
    public sealed class Services : IAsyncLifetime
    {
        private readonly TestModel _model = new();
        private ServiceFactory _fp32 = null!;
        private ServiceFactory _int8 = null!;

        public HttpClient Fp32 { get; private set; } = null!;

        public HttpClient Int8 { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var int8Path = Path.Combine(_model.Folder, "test-model-int8.onnx");
            OnnxModelFile.Write(Int8Models.Quantize(OnnxModelFile.Read(_model.Path), TestModel.ImageSize, reduceRange: true), int8Path);
            (_fp32, _int8) = (new ServiceFactory(_model.Path), new ServiceFactory(int8Path));
            await Task.WhenAll(_fp32.WaitUntilReadyAsync(), _int8.WaitUntilReadyAsync());
            (Fp32, Int8) = (_fp32.CreateClient(), _int8.CreateClient());
        }

        public async Task DisposeAsync()
        {
            Fp32.Dispose();
            Int8.Dispose();
            await _fp32.DisposeAsync();
            await _int8.DisposeAsync();
            _model.Dispose();
        }
    }
}
