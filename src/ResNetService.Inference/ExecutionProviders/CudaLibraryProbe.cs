using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ResNetService.Inference.ExecutionProviders;

/// <summary>
/// Names what stopped ONNX Runtime's CUDA provider from loading. ONNX Runtime's exception says only "Failed to load
/// shared library"; the loader's own message (e.g. "libcublasLt.so.13: cannot open shared object file") goes to its
/// stderr log alone. Loading the provider library once more, after it failed, gets that message.
/// </summary>
public static partial class CudaLibraryProbe
{
    public const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>What the loader says about the CUDA provider library, or null when it loads or is not there.</summary>
    public static string? Explain() => Explain(CandidateFolders());

    public static string? Explain(IEnumerable<string> folders)
    {
        var path = folders.Select(folder => Path.Combine(folder, ProviderLibrary)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null; // It loads: the failure lies elsewhere (no device, no driver), and ONNX Runtime's message says so.
        }
        catch (DllNotFoundException e)
        {
            return Describe(path, e.Message);
        }
        catch (BadImageFormatException e)
        {
            return Describe(path, e.Message);
        }
    }

    /// <summary>"libX.so.N is missing (...)" from .NET's load error, whose last line is the loader's (dlerror) text.</summary>
    public static string Describe(string path, string loadError)
    {
        var loader = loadError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? loadError;
        var missing = MissingLibrary().Match(loader);
        return missing.Success
            ? $"{missing.Groups["name"].Value} is missing (loading {path}: {loader})"
            : $"{Path.GetFileName(path)} does not load (loading {path}: {loader})";
    }

    /// <summary>Where ONNX Runtime looks for its provider libraries: beside its own library, as loaded by this process.</summary>
    private static IEnumerable<string> CandidateFolders()
    {
        var loaded = LoadedOnnxRuntimeFolder();
        if (loaded is not null)
        {
            yield return loaded;
        }

        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        yield return AppContext.BaseDirectory;
    }

    private static string? LoadedOnnxRuntimeFolder()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        // Lines end in the mapped file's path, e.g. ".../runtimes/linux-x64/native/libonnxruntime.so".
        var library = File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var slash and >= 0 ? line[slash..] : "")
            .FirstOrDefault(file => Path.GetFileName(file) == "libonnxruntime.so");
        return library is null ? null : Path.GetDirectoryName(library);
    }

    [GeneratedRegex(@"(?<name>[^\s:/]+\.so(\.[0-9]+)*): cannot open shared object file")]
    private static partial Regex MissingLibrary();
}
