using System.Xml.Linq;
using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>The switch the Dockerfile's FLAVOR drives: which ONNX Runtime package each flavor references, at which version.</summary>
public sealed class OnnxRuntimeFlavorTests
{
    private const string CpuPackage = "Microsoft.ML.OnnxRuntime";
    private const string GpuPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    [Fact]
    public void Both_flavors_run_the_same_onnx_runtime_release()
    {
        var versions = XDocument.Load(Repository.PathOf("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);

        Assert.Equal(versions[CpuPackage], versions[GpuPackage]);
        // The plain GPU package carries Windows natives too (~700 MB per clean restore): only the Linux one is pinned.
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime.Gpu", versions.Keys);
    }

    [Theory]
    [InlineData("false", CpuPackage)]
    [InlineData("true", GpuPackage)]
    public void The_inference_library_references_one_package_per_flavor(string onnxRuntimeGpu, string package)
    {
        var project = XDocument.Load(Repository.PathOf("src/ResNetService.Inference/ResNetService.Inference.csproj"));

        var referenced = project.Descendants("ItemGroup")
            .Where(group => Applies((string?)group.Attribute("Condition"), onnxRuntimeGpu))
            .Descendants("PackageReference")
            .Select(reference => (string)reference.Attribute("Include")!)
            .Where(name => name.StartsWith("Microsoft.ML.OnnxRuntime"))
            .ToList();

        Assert.Equal([package], referenced);
    }

    [Fact]
    public void The_cpu_flavor_is_the_default()
    {
        var props = XDocument.Load(Repository.PathOf("Directory.Build.props"));

        var fallback = props.Descendants("OnnxRuntimeGpu").Single();

        Assert.Equal("'$(OnnxRuntimeGpu)' == ''", (string?)fallback.Attribute("Condition"));
        Assert.Equal("false", fallback.Value);
    }

    /// <summary>Evaluates the two conditions the project uses on the switch; no condition always applies.</summary>
    private static bool Applies(string? condition, string onnxRuntimeGpu) => condition switch
    {
        null => true,
        "'$(OnnxRuntimeGpu)' == 'true'" => onnxRuntimeGpu == "true",
        "'$(OnnxRuntimeGpu)' != 'true'" => onnxRuntimeGpu != "true",
        _ => throw new InvalidOperationException($"Unexpected condition {condition}"),
    };
}
