using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Benchmarks.Memory;

/// <summary>
/// What one full-size decode and one loaded session add to this process's resident memory: the numbers the memory
/// budget's weights come from (src/ResNetService.Inference/Memory).
/// </summary>
public static class DecodeAndSessionCosts
{
    public static void Run(byte[] png, int width, int height, string modelPath, int batchSize, int sessions)
    {
        var pid = Environment.ProcessId;
        var settings = PreprocessingSettings.ImageNet;
        var row = new float[settings.TensorLength];
        var limits = new ImageLimits { MaxPixels = long.MaxValue, MaxBytes = long.MaxValue };

        // The first decode also maps Skia's code and warms its caches; the second one is what every request costs.
        for (var round = 1; round <= 2; round++)
        {
            var (before, peak) = Measure(pid, () =>
            {
                using var bitmap = ImageDecoder.Decode(png, limits, settings);
                ImagePreprocessor.WriteTensor(bitmap, settings, row);
            });
            Console.WriteLine($"Decode + preprocess {width}x{height} PNG ({png.Length / 1e6:0.0} MB), round {round}: " +
                $"peak +{ProcessMemory.Megabytes(peak - before)} = {(double)(peak - before) / ((long)width * height):0.00} bytes/pixel");
        }

        // The first session also loads ONNX Runtime and starts its thread pools; the later ones are what each model costs.
        var fileBytes = new FileInfo(modelPath).Length;
        var loadSettings = new ModelLoadSettings { Path = modelPath, ExecutionProvider = ExecutionProviderPreference.Cpu };
        OrtEnvironment.UseSharedThreadPools(null, null);
        var models = new List<OnnxSession>();
        for (var round = 1; round <= sessions; round++)
        {
            var before = Settled(pid);
            models.Add(OnnxSession.Load(loadSettings, batchSize));
            var after = Settled(pid);
            Console.WriteLine($"Session of {Path.GetFileName(modelPath)} ({fileBytes / 1e6:0.0} MB), warm-up batch {batchSize}, " +
                $"round {round}: +{ProcessMemory.Megabytes(after - before)} = {(double)(after - before) / fileBytes:0.00} x the file");
        }

        models.ForEach(model => model.Dispose());
    }

    private static (long Before, long Peak) Measure(int pid, Action action)
    {
        var before = Settled(pid);
        ProcessMemory.ResetPeak(pid);
        action();
        return (before, ProcessMemory.Peak(pid));
    }

    /// <summary>Resident memory once managed garbage is collected, so that only live memory is compared.</summary>
    private static long Settled(int pid)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcessMemory.Resident(pid);
    }
}
