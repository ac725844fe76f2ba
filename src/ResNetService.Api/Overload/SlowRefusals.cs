using Microsoft.Extensions.Options;
using ResNetService.Api.Problems;
using ResNetService.Inference.Batching;

namespace ResNetService.Api.Overload;

/// <summary>
/// Holds each refusal for overload (503 <c>overloaded</c>, 429 <c>rate-limited</c>) for <c>Batching:RefusalDelay</c>
/// before it is sent. Refusing is cheap, but a client that ignores Retry-After and resends at once over many connections
/// gets cheap refusals back so fast that they take the CPU the model needs; held, each of its connections is refused at
/// most once per delay, whatever it does. The wait is asynchronous (no thread is held), and a client that honours
/// Retry-After loses nothing: it would wait longer anyway.
/// </summary>
public static class SlowRefusals
{
    public static IApplicationBuilder UseSlowRefusals(this IApplicationBuilder app)
    {
        // Read per request (the value is cached): reading it here, while the pipeline is built, would throw a bad option
        // before start-up validation can report it in one clear line.
        var options = app.ApplicationServices.GetRequiredService<IOptions<BatchingOptions>>();
        var time = app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return app.Use((httpContext, next) =>
        {
            var delay = options.Value.RefusalDelay;
            if (delay > TimeSpan.Zero)
            {
                // Runs as the answer starts, once the status and the mark are set, whichever path wrote it.
                httpContext.Response.OnStarting(() =>
                    ExpectedUnavailability.IsRefusal(httpContext) ? HoldAsync(delay, time, httpContext.RequestAborted) : Task.CompletedTask);
            }

            return next(httpContext);
        });
    }

    private static async Task HoldAsync(TimeSpan delay, TimeProvider time, CancellationToken clientGone)
    {
        try
        {
            await Task.Delay(delay, time, clientGone);
        }
        catch (OperationCanceledException)
        {
            // The client went away meanwhile: the answer goes nowhere, at once.
        }
    }
}
