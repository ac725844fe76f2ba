using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>
/// The model the repository ships (models/model.onnx, copied beside the service like every build does), served by the
/// real service: the model card states the accuracy the file carries, and two samples of every class are shipped.
/// That each sample is answered as evaluate answers its test image, right or wrong, is checked beside evaluate itself
/// (tests/ResNetService.Trainer.Tests/Served/ServedAsEvaluatedTests.cs).
/// </summary>
public sealed partial class ShippedModelTests(ShippedModelTests.ShippedService service) : IClassFixture<ShippedModelTests.ShippedService>
{
    private static readonly string ModelsFolder = Path.Combine(AppContext.BaseDirectory, "models");

    private static IEnumerable<string> SampleFiles() =>
        Directory.GetFiles(Path.Combine(ModelsFolder, "samples"), "*.png").Select(path => Path.GetFileName(path)).Order();

    [Fact]
    public void Two_samples_of_every_class_are_shipped()
    {
        var classes = SampleFiles().Select(TrueClass).ToList();
        Assert.Equal(20, classes.Count);
        Assert.All(classes.GroupBy(c => c), group => Assert.Equal(2, group.Count()));
    }

    [Fact]
    public async Task The_model_card_states_the_accuracy_in_the_models_metadata()
    {
        var info = await service.Client.GetFromJsonAsync<JsonElement>("/model");
        var card = await File.ReadAllTextAsync(Path.Combine(ModelsFolder, "README.md"));

        var stated = CardAccuracy().Match(card);
        Assert.True(stated.Success, "The model card has no line 'Test accuracy (ONNX file, 10,000 test images): **NN.NN%**'.");
        var metadataPercent = 100 * info.GetProperty("testAccuracy").GetDouble();
        Assert.Equal(double.Parse(stated.Groups[1].Value, CultureInfo.InvariantCulture), Math.Round(metadataPercent, 2));
        Assert.Equal("resnet50", info.GetProperty("architecture").GetString());
        Assert.Equal("fashion-mnist", info.GetProperty("dataset").GetString());
        Assert.Equal(10, info.GetProperty("classes").GetInt32());
    }

    /// <summary>"ankle-boot-0.png" is the test set's image 0, an "Ankle boot" (see models/tools/make_samples.py).</summary>
    private static string TrueClass(string sample) => sample[..sample.LastIndexOf('-')];

    [GeneratedRegex(@"Test accuracy \(ONNX file, 10,000 test images\): \*\*(\d+\.\d\d)%\*\*")]
    private static partial Regex CardAccuracy();

    /// <summary>The service on the shipped model, with the repository's default settings.</summary>
    public sealed class ShippedService : IAsyncLifetime
    {
        private ServiceFactory _factory = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _factory = new ServiceFactory(Path.Combine(ModelsFolder, "model.onnx"));
            await _factory.WaitUntilReadyAsync();
            Client = _factory.CreateClient();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
        }
    }
}
