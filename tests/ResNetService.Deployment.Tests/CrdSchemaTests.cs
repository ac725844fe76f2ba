using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>The generic CRD schema checker on a small CRD made here: each rule passes what it should and names what it refuses.</summary>
public sealed class CrdSchemaTests
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        spec:
          group: example.test
          names: { kind: Widget }
          versions:
            - name: v1
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    apiVersion: { type: string }
                    kind: { type: string }
                    metadata: { type: object }
                    spec:
                      type: object
                      required: [size]
                      properties:
                        size: { type: integer, minimum: 1 }
                        color: { type: string, enum: [red, green] }
                        port: { anyOf: [{ type: integer }, { type: string }], x-kubernetes-int-or-string: true }
                        enabled: { type: boolean }
                        labels: { type: object, additionalProperties: { type: string } }
                        parts: { type: array, items: { type: object, properties: { name: { type: string } } } }
                        extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
        """;

    private static readonly CrdSchema Schema = CrdSchema.Parse(Crd, "v1");

    private static IReadOnlyList<string> Problems(string spec) =>
        Schema.Problems(YamlDocuments.Load($"apiVersion: example.test/v1\nkind: Widget\n{Metadata}spec:\n{spec}"), "w.yaml");

    /// <summary>ObjectMeta, which the API server checks for every kind, so a CRD's schema leaves it to it.</summary>
    private const string Metadata = "metadata:\n  name: w\n  annotations: { example.test/mode: fast }\n";

    [Fact]
    public void A_conforming_object_has_no_problems()
    {
        Assert.Empty(Problems("""
              size: 2
              color: red
              port: http
              enabled: true
              labels: { a: "1" }
              parts: [{ name: wheel }]
              extra: { anything: [1, 2], goes: { here: true } }
            """));
        Assert.Empty(Problems("  size: 1\n  port: 8080"));
    }

    [Theory]
    [InlineData("  size: 1\n  colour: red", "w.yaml: spec.colour: unknown field")]
    [InlineData("  size: 1\n  parts: [{ nmae: wheel }]", "w.yaml: spec.parts[0].nmae: unknown field")]
    [InlineData("  color: red", "w.yaml: spec.size: required field missing")]
    [InlineData("  size: \"2\"", "w.yaml: spec.size: must be an integer")]
    [InlineData("  size: 0", "w.yaml: spec.size: must be at least 1")]
    [InlineData("  size: 1\n  color: blue", "w.yaml: spec.color: 'blue' is not one of red, green")]
    [InlineData("  size: 1\n  enabled: yes", "w.yaml: spec.enabled: must be true or false")]
    [InlineData("  size: 1\n  port: [8080]", "w.yaml: spec.port: must be an integer or a string")]
    [InlineData("  size: 1\n  labels: { a: 1 }", "w.yaml: spec.labels.a: must be a string")]
    [InlineData("  size: 1\n  parts: { name: wheel }", "w.yaml: spec.parts: must be an array")]
    public void Each_rule_names_the_file_and_the_field_path(string spec, string expected)
    {
        Assert.Equal([expected], Problems(spec));
    }

    [Fact]
    public void An_object_of_another_kind_is_refused_whole()
    {
        var problems = Schema.Problems(YamlDocuments.Load("apiVersion: example.test/v2\nkind: Widget\nspec: {}"), "w.yaml");

        Assert.Equal(["w.yaml: is example.test/v2 Widget, not example.test/v1 Widget"], problems);
    }
}
