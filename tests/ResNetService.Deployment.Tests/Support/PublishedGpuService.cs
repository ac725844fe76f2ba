namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The GPU image's service (FLAVOR=gpu: the CUDA build of ONNX Runtime), published and started like
/// <see cref="PublishedService"/> with <c>Model__ExecutionProvider=Auto</c>. On a machine without CUDA, as CI is,
/// it must fall back to the CPU and say which library is missing.
/// </summary>
public sealed class PublishedGpuService() : PublishedService("gpu", new Dictionary<string, string> { ["Model__ExecutionProvider"] = "Auto" });
