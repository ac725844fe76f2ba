using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Hosting;

public static class MemoryBudgetSetup
{
    /// <summary>
    /// Registers the one <see cref="MemoryBudget"/> of the process (a singleton), sized from the <c>Memory</c> section
    /// of <paramref name="configuration"/>; the time it waits by is the container's <see cref="TimeProvider"/>, if one
    /// is registered. The host shows it on the memory gauges while it runs (<see cref="MemoryBudgetGauges"/>).
    /// </summary>
    public static IServiceCollection AddMemoryBudget(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryBudgetOptions>().Bind(configuration.GetSection(MemoryBudgetOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => options.WaitTimeout >= TimeSpan.Zero, "Memory:WaitTimeout must not be negative.")
            .Validate(options => options.BudgetBytes > 0 || options.DerivedBudget(TotalAvailableBytes) > 0,
                $"Memory:BaselineBytes leaves no memory budget: .NET reports {TotalAvailableBytes} bytes available. " +
                "Set Memory:BudgetBytes, or a lower Memory:BaselineBytes.")
            .ValidateOnStart();
        services.AddSingleton(provider => Create(
            provider.GetRequiredService<IOptions<MemoryBudgetOptions>>().Value,
            provider.GetRequiredService<IOptions<ImageLimits>>().Value,
            provider.GetRequiredService<IOptions<BatchingOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<MemoryBudget>()));
        services.AddHostedService<MemoryBudgetGauges>();
        return services;
    }

    /// <summary>What .NET counts as this process's memory (see <see cref="MemoryBudgetOptions.DerivedBudget"/>).</summary>
    public static long TotalAvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// Room for one largest decode per core (decoding runs on the request's thread: more decodes at once than cores only
    /// share them), so that bodies waiting to be decoded never slow the decoding down; at most half the budget, so that
    /// a small budget still takes request bodies. (In a budget under twice the largest decode, a decode larger than the
    /// headroom may then wait for bodies held by requests queued behind it, until its wait times out.)
    /// </summary>
    public static long UploadHeadroom(long largestDecode, long capacity, int cores)
    {
        var half = capacity / 2;
        // Compared by division: limits may be configured high enough to overflow the product.
        return largestDecode >= half / cores ? half : largestDecode * cores;
    }

    public static MemoryBudget Create(MemoryBudgetOptions options, ImageLimits limits, BatchingOptions batching,
        TimeProvider? time, ILogger logger)
    {
        var capacity = options.BudgetBytes > 0 ? options.BudgetBytes : options.DerivedBudget(TotalAvailableBytes);
        var budget = new MemoryBudget(capacity, options.WaitTimeout, batching.RetryAfter, time, logger)
        {
            UploadHeadroom = UploadHeadroom(DecodeMemory.Largest(limits), capacity, Environment.ProcessorCount),
            SessionBytesPerFileByte = options.SessionBytesPerFileByte,
            // Body garbage the GC has yet to free stays within an eighth of the budget (the limit leaves room for it).
            UploadGarbage = new ManagedGarbage(capacity / 8),
        };
        logger.LogInformation(
            "Memory budget: {Capacity} bytes ({Source}); request bodies may hold up to {UploadLimit} bytes, leaving " +
            "{Headroom} bytes for decodes (the largest decode ImageLimits allow, once per core, at most half the budget); " +
            "sessions count {Factor} bytes per byte of model file",
            capacity, options.BudgetBytes > 0 ? "Memory:BudgetBytes" : $"{TotalAvailableBytes} bytes available to .NET less Memory:BaselineBytes",
            budget.Limit(MemoryUse.Upload), budget.UploadHeadroom, options.SessionBytesPerFileByte);
        if (DecodeMemory.Largest(limits) > capacity)
        {
            logger.LogWarning(
                "The memory budget ({Capacity} bytes) is smaller than the largest decode ImageLimits allow ({Largest} bytes): " +
                "images too large to decode within it get 413. Raise the budget or lower ImageLimits:MaxPixels.",
                capacity, DecodeMemory.Largest(limits));
        }

        return budget;
    }
}
