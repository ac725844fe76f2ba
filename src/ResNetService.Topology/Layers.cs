namespace ResNetService.Topology;

/// <summary>
/// One layer of a network. <see cref="Name"/> is its torchvision module name within its container ("conv1", "bn2",
/// "downsample" holds "0" and "1"), so a parameter's full name is the path of names to it plus "weight" or "bias".
/// </summary>
public abstract record Layer(string Name);

/// <summary>A 2-D convolution over square kernels; <see cref="Padding"/> is added on every side.</summary>
public sealed record Conv(string Name, int InChannels, int OutChannels, int Kernel, int Stride, int Padding, bool Bias) : Layer(Name);

/// <summary>
/// Batch normalisation over channels. <see cref="Momentum"/> follows PyTorch's convention (the weight of the new
/// batch in the running average: 0.1 in PyTorch is 0.9 in Keras).
/// </summary>
public sealed record BatchNorm(string Name, int Channels, double Epsilon, double Momentum) : Layer(Name);

public sealed record Relu(string Name) : Layer(Name);

/// <summary>Max pooling over square windows; <see cref="Padding"/> is added on every side.</summary>
public sealed record MaxPool(string Name, int Kernel, int Stride, int Padding) : Layer(Name);

/// <summary>The mean over each channel's whole feature map: [N, C, H, W] to [N, C, 1, 1].</summary>
public sealed record GlobalAveragePool(string Name) : Layer(Name);

/// <summary>
/// Average pooling over square windows without padding (Keras's AveragePooling2D with "valid" padding): a side of
/// n becomes floor((n - kernel) / stride) + 1.
/// </summary>
public sealed record AveragePool(string Name, int Kernel, int Stride) : Layer(Name);

/// <summary>
/// Zeros added on every side (Keras's ZeroPadding2D), a layer of its own as Keras shows it; no parameters.
/// </summary>
public sealed record ZeroPad(string Name, int Padding) : Layer(Name);

/// <summary>[N, C, H, W] to [N, C x H x W], channel by channel (PyTorch's and ONNX's order).</summary>
public sealed record Flatten(string Name) : Layer(Name);

/// <summary>A fully connected layer with bias.</summary>
public sealed record Linear(string Name, int InFeatures, int OutFeatures) : Layer(Name);
