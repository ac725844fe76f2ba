namespace ResNetService.Inference.ExecutionProviders;

/// <summary>The provider a session runs on and, when Auto had to settle for the CPU, why.</summary>
public sealed record ExecutionProviderChoice(string Provider, string? FallbackReason);

/// <summary>
/// Decides between CUDA and CPU. The inputs are injected (the providers this ONNX Runtime build offers, the action
/// that registers CUDA on the session options, and what explains a failed registration), so the decision can be
/// tested without a GPU.
/// </summary>
public static class ExecutionProviderSelector
{
    public const string CudaProvider = "CUDAExecutionProvider";
    public const string CpuProvider = "CPUExecutionProvider";

    /// <param name="explainCudaFailure">Says what is missing when registering CUDA failed (e.g. the CUDA library that
    /// did not load), or null when it cannot tell; see <see cref="CudaLibraryProbe"/>.</param>
    /// <exception cref="ModelLoadException"><paramref name="preference"/> is Cuda and CUDA cannot be used.</exception>
    public static ExecutionProviderChoice Choose(ExecutionProviderPreference preference,
        IReadOnlyCollection<string> availableProviders, Action appendCuda, Func<string?>? explainCudaFailure = null)
    {
        if (preference == ExecutionProviderPreference.Cpu)
        {
            return new(CpuProvider, null);
        }

        var reason = CudaUnavailableReason(availableProviders, appendCuda, explainCudaFailure);
        if (reason is null)
        {
            return new(CudaProvider, null);
        }

        if (preference == ExecutionProviderPreference.Cuda)
        {
            throw new ModelLoadException($"ExecutionProvider is Cuda, but {reason}. Use Auto or Cpu to run on the CPU.");
        }

        return new(CpuProvider, reason);
    }

    /// <summary>Null when CUDA was registered, else a sentence fragment saying why not.</summary>
    private static string? CudaUnavailableReason(
        IReadOnlyCollection<string> availableProviders, Action appendCuda, Func<string?>? explainCudaFailure)
    {
        if (!availableProviders.Contains(CudaProvider))
        {
            return $"this ONNX Runtime build has no CUDA provider (it offers {string.Join(", ", availableProviders)}); " +
                   "the GPU build is made with -p:OnnxRuntimeGpu=true";
        }

        try
        {
            appendCuda();
            return null;
        }
        catch (EntryPointNotFoundException e)
        {
            return $"this ONNX Runtime build cannot register CUDA ({e.Message})";
        }
        catch (Exception e)
        {
            // The GPU build throws here when there is no GPU, no driver, or CUDA/cuDNN libraries are missing; for a
            // missing library its message does not say which one, so the explanation is added.
            var reason = $"CUDA could not be started ({e.GetType().Name}: {e.Message})";
            return explainCudaFailure?.Invoke() is { } explanation ? $"{reason}: {explanation}" : reason;
        }
    }
}
