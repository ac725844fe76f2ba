using ResNetService.Inference.ExecutionProviders;

namespace ResNetService.Inference.Tests;

public sealed class CudaLibraryProbeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cuda-probe-tests-").FullName;

    [Fact]
    public void The_loader_message_names_the_missing_cuda_library()
    {
        // .NET's message as measured with the GPU package on a machine without CUDA: the loader's text is its last line.
        const string path = "/app/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so";
        var error = $"Unable to load shared library '{path}' or one of its dependencies. In order to help diagnose loading " +
                    "problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n" +
                    "libcublasLt.so.13: cannot open shared object file: No such file or directory";

        var explanation = CudaLibraryProbe.Describe(path, error);

        Assert.Equal($"libcublasLt.so.13 is missing (loading {path}: libcublasLt.so.13: cannot open shared object file: No such file or directory)",
            explanation);
    }

    [Fact]
    public void A_provider_library_that_does_not_load_is_explained_by_the_loader()
    {
        File.WriteAllText(Path.Combine(_folder, CudaLibraryProbe.ProviderLibrary), "not a shared library");

        var explanation = CudaLibraryProbe.Explain([Path.Combine(_folder, "elsewhere"), _folder]);

        Assert.NotNull(explanation);
        Assert.StartsWith($"{CudaLibraryProbe.ProviderLibrary} does not load (loading {Path.Combine(_folder, CudaLibraryProbe.ProviderLibrary)}: ", explanation);
    }

    [Fact]
    public void Without_a_provider_library_there_is_nothing_to_explain()
    {
        Assert.Null(CudaLibraryProbe.Explain([_folder]));
        // The CPU package ships no CUDA provider library either.
        Assert.Null(CudaLibraryProbe.Explain());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
