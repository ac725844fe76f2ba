using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>
/// With <c>ImageDecoding:Scaled</c> off every image is decoded whole: bad input gets the same answers as with scaled
/// decoding (<see cref="ProblemTests"/> runs them with it on, the default), and good images are still classified.
/// </summary>
public sealed class WholeDecodingTests(WholeDecodingTests.WholeDecodingService service) : IClassFixture<WholeDecodingTests.WholeDecodingService>
{
    [Theory]
    [MemberData(nameof(ProblemTests.BadRequests), MemberType = typeof(ProblemTests))]
    public async Task Bad_input_gets_the_same_status_and_problem_type(string name, int status, string slug)
    {
        using var response = await service.Client.PostAsync("/classify", ProblemTests.Content(name));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ProblemKinds.All.Single(k => k.Slug == slug).Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task A_photo_larger_than_the_model_needs_is_classified()
    {
        using var response = await service.Client.PostAsync("/classify", Requests.RawBody(
            TestImages.Draw(7, SkiaSharp.SKEncodedImageFormat.Jpeg, 640, 480), "image/jpeg"));

        await Requests.EnsureSuccessAsync(response);
    }

    public sealed class WholeDecodingService : IAsyncLifetime
    {
        private readonly TestModel _model = new();
        private ServiceFactory _factory = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _factory = new ServiceFactory(_model.Path, new Dictionary<string, string?> { ["ImageDecoding:Scaled"] = "false" });
            await _factory.WaitUntilReadyAsync();
            Client = _factory.CreateClient();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
            _model.Dispose();
        }
    }
}
