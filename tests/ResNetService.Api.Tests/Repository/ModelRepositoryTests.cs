using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ResNetService.Api.Classification;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using ResNetService.Api.Tests.V2;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;

namespace ResNetService.Api.Tests.Repository;

/// <summary>Several models served at once from a repository folder, each with its versions, policy, labels and batcher.</summary>
public sealed class ModelRepositoryTests(RepositoryFixture fixture) : IClassFixture<RepositoryFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Models_lists_the_default_model_and_each_folder_with_the_state_of_every_version()
    {
        var repository = (await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!;

        Assert.True(repository.Ready);
        Assert.Equal(["test-model", "digits", "pairs", "shapes"], repository.Models.Select(model => model.Name));
        Assert.True(repository.Models[0].Default);
        Assert.All(repository.Models.Skip(1), model => Assert.False(model.Default));
        Assert.Equal(["1 ready", "3 not-loaded"], States(repository, "digits"));
        Assert.Equal(["1 ready", "2 ready"], States(repository, "pairs"));
        Assert.Equal(["1 not-loaded", "2 ready"], States(repository, "shapes"));
    }

    [Fact]
    public async Task A_model_without_a_version_is_served_by_its_latest_ready_version()
    {
        var image = TestImages.Png(1);

        var latest = await ClassifyAsync("/models/shapes/classify", image);
        var version2 = await ClassifyAsync("/models/shapes/versions/2/classify", image);

        Assert.Equal("shapes", latest.Model);
        Assert.Equal(RepositoryFixture.ShapeLabels.Order(), latest.Predictions.Select(p => p.Label).Order());
        Assert.Equal(Probabilities(version2), Probabilities(latest));
    }

    [Fact]
    public async Task Each_loaded_version_answers_with_its_own_weights()
    {
        var image = TestImages.Png(2);

        foreach (var version in new[] { 1, 2 })
        {
            var answer = await ClassifyAsync($"/models/pairs/versions/{version}/classify", image);

            V2Requests.AssertClose(OwnAnswer("pairs", version, image), Probabilities(answer), 1e-5f);
        }

        Assert.NotEqual(OwnAnswer("pairs", 1, image), OwnAnswer("pairs", 2, image)); // so that the check above tells them apart
    }

    /// <summary>What the version's own file answers for <paramref name="image"/>, run here outside the service.</summary>
    private float[] OwnAnswer(string model, int version, byte[] image)
    {
        using var session = OnnxSession.Load(new ModelLoadSettings
        {
            Path = Path.Combine(fixture.Root, model, version.ToString(), "model.onnx"),
            ExecutionProvider = ExecutionProviderPreference.Cpu,
        });
        var settings = session.Info.Preprocessing;
        using var decoded = ImageDecoder.Decode(image, new ImageLimits(), settings);
        var tensor = new float[settings.TensorLength];
        ImagePreprocessor.WriteTensor(decoded, settings, tensor);
        var output = new float[session.Info.Classes];
        session.Run(tensor, 1, output);
        if (session.Info.OutputKind == OutputKinds.Logits)
        {
            Inference.Classification.Probabilities.Softmax(output, output);
        }

        return output;
    }

    [Fact]
    public async Task The_default_routes_keep_serving_the_default_model()
    {
        var answer = await ClassifyAsync("/classify", TestImages.Png(3));
        var model = (await Client.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;

        Assert.Equal("test-model", answer.Model);
        Assert.Equal("test-model", model.Name);
        Assert.Equal(TestModel.Labels.Order(), answer.Predictions.Select(p => p.Label).Order());
    }

    [Fact]
    public async Task A_models_config_and_labels_file_are_its_own()
    {
        var version = (await Client.GetFromJsonAsync<ModelInfoResponse>("/models/digits/versions/1", Requests.Json))!;
        var model = (await Client.GetFromJsonAsync<RepositoryModelResponse>("/models/digits", Requests.Json))!;

        Assert.Equal(RepositoryFixture.DigitLabels, version.Labels);
        Assert.Equal(2, version.Batching.MaxBatchSize);
        Assert.Equal(ServiceFactory.MaxBatchSize, (await Client.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!.Batching.MaxBatchSize);
        Assert.Equal(version.Sha256, model.Serving!.Sha256);
        Assert.Equal("configuration", version.SettingSources["labels"]);
    }

    [Fact]
    public async Task Batch_classification_works_per_model()
    {
        using var content = Requests.Multipart("images", TestImages.Png(4), TestImages.Jpeg(5));
        using var response = await Client.PostAsync("/models/digits/classify/batch?top=2", content);
        await Requests.EnsureSuccessAsync(response);
        var answer = (await response.Content.ReadFromJsonAsync<BatchClassificationResponse>(Requests.Json))!;

        Assert.Equal("digits", answer.Model);
        Assert.Equal(2, answer.Succeeded);
        Assert.All(answer.Results, result => Assert.Equal(2, result.Predictions!.Count));
    }

    [Theory]
    [InlineData("/models/nothing/classify", "There is no model 'nothing'.")]
    [InlineData("/models/shapes/versions/7/classify", "Model 'shapes' has no version 7.")]
    [InlineData("/models/shapes/versions/1/classify", "Version 1 is in the repository but not loaded (version policy).")]
    [InlineData("/models/samples/classify", "There is no model 'samples'.")]
    public async Task An_unknown_or_unloaded_model_or_version_is_a_404_problem(string path, string detail)
    {
        using var response = await Client.PostAsync(path, Requests.RawBody(TestImages.Png(6)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(ProblemKinds.ModelNotFound.Type, problem.Type);
        Assert.Equal(detail, problem.Detail);
    }

    [Theory]
    [InlineData("/models/nothing")]
    [InlineData("/models/shapes/versions/9")]
    public async Task Describing_an_unknown_model_or_version_is_a_404_problem(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemKinds.ModelNotFound.Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task V2_serves_each_model_and_version_of_the_repository()
    {
        var image = TestImages.Png(8);
        var request = new JsonObject
        {
            ["id"] = "repository",
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(1),
                ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["content_type"] = "base64" },
                ["data"] = new JsonArray(Convert.ToBase64String(image)),
            }),
        };

        using var response = await Client.PostAsync("/v2/models/pairs/versions/1/infer", V2Requests.Json(request));
        var answer = await V2Requests.ReadJsonAsync(response);
        var rest = await ClassifyAsync("/models/pairs/versions/1/classify", image);

        Assert.Equal("pairs", answer.GetProperty("model_name").GetString());
        Assert.Equal("1", answer.GetProperty("model_version").GetString());
        V2Requests.AssertClose(Probabilities(rest), V2Requests.Floats(V2Requests.Output(answer, "logits").GetProperty("data")), 1e-5f);
    }

    [Fact]
    public async Task V2_metadata_and_readiness_follow_the_version_policy()
    {
        var metadata = await Client.GetFromJsonAsync<JsonElement>("/v2/models/shapes");
        using var loaded = await Client.GetAsync("/v2/models/shapes/versions/2/ready");
        using var notLoaded = await Client.GetAsync("/v2/models/shapes/versions/1/ready");
        using var unknown = await Client.GetAsync("/v2/models/shapes/versions/abc");
        using var server = await Client.GetAsync("/v2/health/ready");

        Assert.Equal(["2"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notLoaded.StatusCode);
        Assert.Contains("version 'abc'", await V2Requests.ReadErrorAsync(unknown, StatusCodes.Status404NotFound));
        Assert.Equal(HttpStatusCode.OK, server.StatusCode);
    }

    private async Task<ClassificationResponse> ClassifyAsync(string path, byte[] image)
    {
        using var response = await Client.PostAsync(path, Requests.RawBody(image)); // top defaults to every class here.
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!;
    }

    private static IEnumerable<string> States(RepositoryResponse repository, string name) =>
        repository.Models.Single(model => model.Name == name).Versions.Select(version => $"{version.Version} {version.State}");

    private static float[] Probabilities(ClassificationResponse answer) =>
        [.. answer.Predictions.OrderBy(p => p.Index).Select(p => p.Probability)];
}
