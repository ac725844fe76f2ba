using ResNetService.Inference.Model;

namespace ResNetService.Inference.Tests;

public class OnnxFileHeaderTests : IClassFixture<ModelFiles>
{
    private readonly ModelFiles _files;

    public OnnxFileHeaderTests(ModelFiles files) => _files = files;

    [Fact]
    public void Reads_the_ir_version_and_the_default_domain_opset_past_the_graph()
    {
        var path = _files.Write("header");

        Assert.Equal(new OnnxFileHeader(8, 17), OnnxFileHeader.Read(path));
    }

    [Fact]
    public void A_truncated_file_or_one_that_is_not_protobuf_has_no_header()
    {
        var model = File.ReadAllBytes(_files.Write("header-whole"));
        var truncated = _files.WriteText("header-truncated.onnx", "");
        File.WriteAllBytes(truncated, model[..(model.Length / 2)]);
        var text = _files.WriteText("header-text.onnx", "hello, not a model at all");

        Assert.Equal(new OnnxFileHeader(null, null), OnnxFileHeader.Read(truncated));
        Assert.Equal(new OnnxFileHeader(null, null), OnnxFileHeader.Read(text));
        Assert.Equal(new OnnxFileHeader(null, null), OnnxFileHeader.Read(Path.Combine(_files.Folder, "missing.onnx")));
    }
}
