using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Tests.Repository;

/// <summary>What counts as a model and a version in a repository folder, and what is left alone.</summary>
public sealed class RepositoryLayoutTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("repository-layout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Models_are_folders_with_numbered_version_folders_that_hold_model_onnx()
    {
        Touch("resnet50/1/model.onnx");
        Touch("resnet50/12/model.onnx");
        Touch("resnet50/3/model.onnx");
        Touch("resnet50/4/other.onnx");      // no model.onnx: not a version
        Touch("resnet50/latest/model.onnx"); // not a number: not a version
        Touch("resnet50/0/model.onnx");      // versions start at 1
        Touch("fashion_mnist-v2.small/7/model.onnx");
        Touch("samples/cat.png");            // no versions: not a model
        Touch(".hidden/1/model.onnx");       // not a model name
        Touch("notes.txt");

        var models = RepositoryLayout.Scan(_root);

        Assert.Equal(["fashion_mnist-v2.small", "resnet50"], models.Select(model => model.Name));
        Assert.Equal([1L, 3, 12], models[1].Versions.Select(version => version.Version));
        Assert.Equal(Path.Combine(_root, "resnet50", "12", "model.onnx"), models[1].Versions[^1].ModelPath);
    }

    [Fact]
    public void Links_that_lead_out_of_the_root_are_not_read_and_links_inside_it_are()
    {
        var outside = Directory.CreateTempSubdirectory("repository-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(outside, "escape", "1")).FullName, "model.onnx"), "x");
            Touch("real/1/model.onnx");
            Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), Path.Combine(outside, "escape"));     // a model folder
            Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "real"));          // inside: kept
            Directory.CreateDirectory(Path.Combine(_root, "mixed"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "mixed", "1"), Path.Combine(outside, "escape", "1")); // a version folder
            Directory.CreateDirectory(Path.Combine(_root, "mixed", "2"));
            File.CreateSymbolicLink(Path.Combine(_root, "mixed", "2", "model.onnx"), Path.Combine(outside, "escape", "1", "model.onnx")); // a file
            Touch("mixed/3/model.onnx");

            var models = RepositoryLayout.Scan(_root);

            Assert.Equal(["alias", "mixed", "real"], models.Select(model => model.Name));
            Assert.Equal([3L], models[1].Versions.Select(version => version.Version));
            Assert.Null(RepositoryLayout.Find(_root, "escape"));
            Assert.Equal("alias", RepositoryLayout.Find(_root, "alias")?.Name);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("a/b")]
    [InlineData("%2e%2e")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("missing")]
    public void Find_reads_nothing_for_a_name_that_is_not_a_model_folder_of_the_root(string name)
    {
        Touch("a/b/model.onnx");
        Touch(".hidden/1/model.onnx");

        Assert.Null(RepositoryLayout.Find(Path.Combine(_root, "a"), name == "../outside" ? "../a" : name));
        Assert.Null(RepositoryLayout.Find(_root, name));
    }

    [Fact]
    public void A_missing_root_is_named() =>
        Assert.Contains("no-such-root", Assert.Throws<DirectoryNotFoundException>(() => RepositoryLayout.Scan(Path.Combine(_root, "no-such-root"))).Message);

    [Fact]
    public void Config_json_is_read_with_every_field_optional()
    {
        Write("m/config.json", """
            {
              // comments and trailing commas are allowed
              "versionPolicy": { "kind": "specific", "versions": [2, 3] },
              "preprocessing": { "imageSize": 48, "resizeMode": "direct" },
              "maxBatchSize": 4,
            }
            """);

        var config = ModelFolderConfig.Read(Path.Combine(_root, "m"));

        Assert.Equal(VersionPolicyKind.Specific, config.VersionPolicy!.Kind);
        Assert.Equal([2L, 3], config.VersionPolicy.Versions);
        Assert.Equal(48, config.Preprocessing!.ImageSize);
        Assert.Equal(4, config.MaxBatchSize);
        Assert.Null(config.QueueCapacity);
        Assert.Equal(new ModelFolderConfig(), ModelFolderConfig.Read(Path.Combine(_root, "no-config")));
    }

    [Theory]
    [InlineData("""{ "maxBatchSize": 0 }""", "maxBatchSize must be at least 1")]
    [InlineData("""{ "versionPolicy": { "kind": "newest" } }""", "not valid")]
    [InlineData("""{ "maxBatch": 4 }""", "not valid")]
    [InlineData("""not json""", "not valid")]
    public void A_bad_config_json_is_refused_with_the_model_named(string json, string problem)
    {
        Write("m/config.json", json);

        var error = Assert.Throws<InvalidDataException>(() => ModelFolderConfig.Read(Path.Combine(_root, "m")));

        Assert.Contains(problem, error.Message);
        Assert.Contains("config.json of m", error.Message);
    }

    private void Touch(string relativePath) => Write(relativePath, "");

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
