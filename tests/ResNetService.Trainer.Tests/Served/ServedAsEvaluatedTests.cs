using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Tests.Cli;
using ResNetService.Trainer.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;

namespace ResNetService.Trainer.Tests.Served;

/// <summary>
/// The shipped models are served exactly as the trainer evaluates them: the first 1,000 Fashion-MNIST test images,
/// posted as PNGs to the service with its shipped configuration (the fp32 default model and the int8 repository model),
/// get the class <c>evaluate --predictions</c> wrote for each image, with every probability within 1e-4, and int8 loses
/// at most half a point of accuracy to fp32 on them; the shipped sample PNGs are those test images and are answered as
/// evaluated too, right or wrong. <c>SERVED_IMAGES=10000</c> runs it on the whole test split (the
/// model card's figures); the accuracy and the images/s of each model are written to the test's output.
/// </summary>
[Collection(FashionMnistTestSplit.Collection)]
public sealed class ServedAsEvaluatedTests(ITestOutputHelper output)
{
    private static readonly int Images = FashionMnistTestSplit.Images(fallback: 1000);
    private static readonly string Models = FashionMnistTestSplit.Models;

    [Fact]
    public async Task The_fp32_and_int8_models_answer_each_test_image_as_evaluate_did()
    {
        var test = FashionMnistTestSplit.Load();
        using var folder = new TempFolder();
        await using var service = new ShippedService();
        using var client = service.CreateClient();

        var accuracy = new Dictionary<string, double>();
        foreach (var (name, file) in new[] { ("model", Path.Combine(Models, "model.onnx")), ("model-int8", Path.Combine(Models, "repository", "model-int8", "1", "model.onnx")) })
        {
            var evaluated = await EvaluateAsync(file, folder[$"{name}.csv"], folder[$"{name}.png"]);
            var started = Stopwatch.GetTimestamp();
            var served = await ServeAsync(client, name, test);
            var elapsed = Stopwatch.GetElapsedTime(started);
            for (var image = 0; image < Images; image++)
            {
                Assert.True(evaluated[image].Predicted == served[image].Predicted,
                    $"{name}, test image {image}: evaluate predicted class {evaluated[image].Predicted}, the service {served[image].Predicted}");
                for (var c = 0; c < served[image].Probabilities.Length; c++)
                {
                    Assert.True(Math.Abs(evaluated[image].Probabilities[c] - served[image].Probabilities[c]) <= 1e-4,
                        $"{name}, test image {image}, class {c}: evaluate {evaluated[image].Probabilities[c]}, the service {served[image].Probabilities[c]}");
                }
            }

            await AssertSamplesAsEvaluatedAsync(client, name, test, evaluated);
            accuracy[name] = (double)Enumerable.Range(0, Images).Count(i => served[i].Predicted == test.Labels[i]) / Images;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {accuracy[name]:P2} of the first {Images} test images through the service, {Images / elapsed.TotalSeconds:0} images/s (PNG batches of 32, one client)"));
            Assert.All(Enumerable.Range(0, Images), i => Assert.Equal(test.Labels[i], evaluated[i].Label));
        }

        Assert.InRange(accuracy["model"], 0.85, 1.0); // the shipped model, not a random one
        Assert.True(accuracy["model-int8"] >= accuracy["model"] - 0.005, $"int8 {accuracy["model-int8"]:P1} against fp32 {accuracy["model"]:P1}");
    }

    private sealed record Answer(int Label, int Predicted, float[] Probabilities);

    /// <summary>
    /// The PNGs shipped in models/samples (named class-index) are the test images their names say, pixel for pixel, and
    /// the service answers each file as evaluate answered that image: right or wrong, the same class and probabilities.
    /// </summary>
    private static async Task AssertSamplesAsEvaluatedAsync(HttpClient client, string model, RawImages test, Answer[] evaluated)
    {
        var samples = Directory.GetFiles(Path.Combine(Models, "samples"), "*.png");
        Assert.Equal(20, samples.Length);
        foreach (var sample in samples)
        {
            var name = Path.GetFileNameWithoutExtension(sample);
            var index = int.Parse(name[(name.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
            var label = DataSource.FashionMnistClasses[test.Labels[index]].ToLowerInvariant().Replace('/', '-').Replace(' ', '-');
            Assert.Equal(label, name[..name.LastIndexOf('-')]); // "ankle-boot-0": test image 0, an Ankle boot
            var bytes = await File.ReadAllBytesAsync(sample);
            using (var decoded = SKBitmap.Decode(bytes).Copy(SKColorType.Gray8))
            {
                Assert.True(decoded.GetPixelSpan().SequenceEqual(test.Pixels.AsSpan(index * test.ImageBytes, test.ImageBytes)),
                    $"{name}.png is not test image {index}");
            }

            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            using var response = await client.PostAsync($"/models/{model}/classify?top={evaluated[index].Probabilities.Length}", content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");
            Assert.Equal(evaluated[index].Predicted, predictions[0].GetProperty("index").GetInt32());
            foreach (var prediction in predictions.EnumerateArray())
            {
                Assert.Equal(evaluated[index].Probabilities[prediction.GetProperty("index").GetInt32()], prediction.GetProperty("probability").GetSingle(), 1e-4f);
            }
        }
    }

    /// <summary>Runs <c>evaluate --predictions</c> on the first test images and reads the file it wrote.</summary>
    private static async Task<Answer[]> EvaluateAsync(string model, string predictions, string plot)
    {
        var (exitCode, output, errors) = await CliRunner.RunAsync("evaluate", "--model", model, "--data", "idx:" + FashionMnistTestSplit.DataFolder,
            "--limit", Images.ToString(CultureInfo.InvariantCulture), "--predictions", predictions, "--plot", plot);
        Assert.True(exitCode == 0, string.Join('\n', errors) + output);
        var lines = await File.ReadAllLinesAsync(predictions);
        Assert.Equal("index,label,prediction,T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot", lines[0]);
        return [.. lines.Skip(1).Select(line =>
        {
            var fields = line.Split(',');
            return new Answer(int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture),
                [.. fields.Skip(3).Select(f => float.Parse(f, CultureInfo.InvariantCulture))]);
        })];
    }

    /// <summary>Posts the first test images as PNGs, 32 per batch request, and reads every class's probability.</summary>
    private static async Task<Answer[]> ServeAsync(HttpClient client, string model, RawImages test)
    {
        var classes = DataSource.FashionMnistClasses.Count;
        var answers = new Answer[Images];
        for (var start = 0; start < Images; start += 32)
        {
            using var form = new MultipartFormDataContent();
            for (var image = start; image < Math.Min(start + 32, Images); image++)
            {
                form.Add(new ByteArrayContent(Png(test, image)), "images", $"{image}.png");
            }

            using var response = await client.PostAsync($"/models/{model}/classify/batch?top={classes}", form);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
            var image0 = start;
            foreach (var result in results.EnumerateArray())
            {
                var probabilities = new float[classes];
                var predictions = result.GetProperty("predictions");
                foreach (var prediction in predictions.EnumerateArray())
                {
                    probabilities[prediction.GetProperty("index").GetInt32()] = prediction.GetProperty("probability").GetSingle();
                }

                var top = predictions[0].GetProperty("index").GetInt32();
                answers[image0] = new Answer(test.Labels[image0], top, probabilities);
                image0++;
            }
        }

        return answers;
    }

    /// <summary>The test image as the data set holds it, 28x28 grayscale, in a PNG.</summary>
    private static byte[] Png(RawImages set, int index)
    {
        using var bitmap = FashionMnistTestSplit.Bitmap(set, index);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The service as shipped: the fp32 default model and the repository beside it, from this test's output folder.</summary>
    private sealed class ShippedService : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Model:Path", Path.Combine(Models, "model.onnx"));
            builder.UseSetting("ModelRepository:Root", Path.Combine(Models, "repository"));
            builder.UseSetting("Model:ExecutionProvider", "Cpu");
            builder.UseSetting("Batching:QueueTimeout", FashionMnistTestSplit.NoQueueTimeout.ToString());
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        }
    }
}
