using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Classification;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>One answer of a load run: the status, and the probabilities by class index (empty when it failed).</summary>
public sealed record LoadAnswer(HttpStatusCode Status, float[] Probabilities, string Body);

/// <summary>Clients that send the same image to one route in a loop until stopped, keeping every answer in order.</summary>
public sealed class ConcurrentLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<LoadAnswer> _answers = [];
    private readonly Task[] _clients;

    public ConcurrentLoad(HttpClient client, string path, byte[] image, int clients)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(() => RunAsync(client, path, image)))];
    }

    /// <summary>Stops the clients and returns every answer in the order they arrived.</summary>
    public async Task<IReadOnlyList<LoadAnswer>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        lock (_answers)
        {
            return [.. _answers];
        }
    }

    public void Dispose() => _stop.Dispose();

    public static float[] Probabilities(ClassificationResponse answer) =>
        [.. answer.Predictions.OrderBy(p => p.Index).Select(p => p.Probability)];

    private async Task RunAsync(HttpClient client, string path, byte[] image)
    {
        while (!_stop.IsCancellationRequested)
        {
            // Not cancelled by the stop token: a request that started is always answered and counted.
            using var response = await client.PostAsync(path, Requests.RawBody(image));
            var body = await response.Content.ReadAsStringAsync();
            var probabilities = response.IsSuccessStatusCode
                ? Probabilities((await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!)
                : [];
            lock (_answers)
            {
                _answers.Add(new LoadAnswer(response.StatusCode, probabilities, body));
            }
        }
    }
}

/// <summary>Probabilities of the same model on the same image are equal to float precision; other weights differ far more.</summary>
public sealed class ProbabilitiesComparer : IEqualityComparer<float[]>
{
    public static readonly ProbabilitiesComparer Instance = new();

    public bool Equals(float[]? x, float[]? y) =>
        x is not null && y is not null && x.Length == y.Length && x.Zip(y).All(pair => Math.Abs(pair.First - pair.Second) < 1e-5f);

    public int GetHashCode(float[] values) => values.Length;
}
