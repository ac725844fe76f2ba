using ResNetService.Inference.ExecutionProviders;

namespace ResNetService.Inference.Tests;

public class ExecutionProviderSelectorTests
{
    private static readonly string[] CpuOnly = [ExecutionProviderSelector.CpuProvider];
    private static readonly string[] WithCuda = [ExecutionProviderSelector.CudaProvider, ExecutionProviderSelector.CpuProvider];

    private static void Never() => throw new InvalidOperationException("CUDA must not be registered here.");

    [Fact]
    public void Auto_without_a_cuda_build_falls_back_to_cpu_and_says_why()
    {
        var choice = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, CpuOnly, Never);

        Assert.Equal(ExecutionProviderSelector.CpuProvider, choice.Provider);
        Assert.Contains("no CUDA provider", choice.FallbackReason);
    }

    [Fact]
    public void Auto_falls_back_when_registering_cuda_fails_and_reports_the_error()
    {
        var choice = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, WithCuda,
            () => throw new EntryPointNotFoundException("OrtSessionOptionsAppendExecutionProvider_CUDA"));

        Assert.Equal(ExecutionProviderSelector.CpuProvider, choice.Provider);
        Assert.Contains("OrtSessionOptionsAppendExecutionProvider_CUDA", choice.FallbackReason);
    }

    [Fact]
    public void Auto_uses_cuda_when_it_registers()
    {
        var registered = 0;

        var choice = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, WithCuda, () => registered++);

        Assert.Equal(ExecutionProviderSelector.CudaProvider, choice.Provider);
        Assert.Null(choice.FallbackReason);
        Assert.Equal(1, registered);
    }

    [Fact]
    public void Cuda_refuses_to_start_without_cuda()
    {
        var missing = Assert.Throws<ModelLoadException>(() =>
            ExecutionProviderSelector.Choose(ExecutionProviderPreference.Cuda, CpuOnly, Never));
        var failing = Assert.Throws<ModelLoadException>(() =>
            ExecutionProviderSelector.Choose(ExecutionProviderPreference.Cuda, WithCuda, () => throw new InvalidOperationException("no device")));

        Assert.Contains("Cuda", missing.Message);
        Assert.Contains("no device", failing.Message);
    }

    [Fact]
    public void Cpu_is_cpu_even_when_cuda_is_there()
    {
        var choice = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Cpu, WithCuda, Never);

        Assert.Equal(new ExecutionProviderChoice(ExecutionProviderSelector.CpuProvider, null), choice);
    }

    [Fact]
    public void The_cpu_package_really_cannot_register_cuda()
    {
        // The measured behaviour the selector relies on: this build lists only the CPU provider.
        var available = Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();

        var choice = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, available,
            () => options.AppendExecutionProvider_CUDA(0));

        Assert.Equal(ExecutionProviderSelector.CpuProvider, choice.Provider);
        Assert.NotNull(choice.FallbackReason);
    }

    [Fact]
    public void A_failed_registration_carries_the_explanation_of_what_is_missing()
    {
        static void FailsToLoad() => throw new InvalidOperationException("Failed to load shared library");
        const string missing = "libcublasLt.so.13 is missing";

        var auto = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, WithCuda, FailsToLoad, () => missing);
        var cuda = Assert.Throws<ModelLoadException>(() =>
            ExecutionProviderSelector.Choose(ExecutionProviderPreference.Cuda, WithCuda, FailsToLoad, () => missing));
        var unexplained = ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, WithCuda, FailsToLoad, () => null);

        Assert.Equal("CUDA could not be started (InvalidOperationException: Failed to load shared library): libcublasLt.so.13 is missing",
            auto.FallbackReason);
        Assert.Contains(missing, cuda.Message);
        Assert.Equal("CUDA could not be started (InvalidOperationException: Failed to load shared library)", unexplained.FallbackReason);
    }

    [Fact]
    public void A_registered_provider_is_not_explained()
    {
        var explained = 0;

        ExecutionProviderSelector.Choose(ExecutionProviderPreference.Auto, WithCuda, () => { }, () => $"{explained++}");

        Assert.Equal(0, explained);
    }
}
