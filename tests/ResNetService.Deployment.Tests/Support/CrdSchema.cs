using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The openAPIV3Schema of one version of a CustomResourceDefinition, checking manifest objects without a cluster, as
/// the API server's structural validation would: unknown fields (unless <c>x-kubernetes-preserve-unknown-fields</c>),
/// types (<c>x-kubernetes-int-or-string</c> and <c>anyOf</c> included), required fields, enums and minimums. Each
/// problem names the manifest file and the field path, e.g. <c>docker/kserve/runtime.yaml: spec.ports[0].nmae: unknown field</c>.
/// Not checked: formats, patterns, CEL rules and anything only the API server or a webhook knows.
/// </summary>
public sealed class CrdSchema
{
    private readonly YamlMappingNode _schema;

    private CrdSchema(string group, string kind, string version, YamlMappingNode schema)
    {
        Group = group;
        Kind = kind;
        Version = version;
        _schema = schema;
    }

    public string Group { get; }

    public string Kind { get; }

    public string Version { get; }

    /// <summary>The apiVersion an object of this schema carries.</summary>
    public string ApiVersion => $"{Group}/{Version}";

    /// <summary>The schema of <paramref name="version"/> in a CRD file (relative to the repository root).</summary>
    public static CrdSchema Load(string crdFile, string version) => Parse(Repository.ReadAllText(crdFile), version, crdFile);

    /// <summary>The schema of <paramref name="version"/> in a CRD's text; <paramref name="crdFile"/> names it in errors.</summary>
    public static CrdSchema Parse(string crdText, string version, string crdFile = "CRD")
    {
        var crd = YamlDocuments.Load(crdText);
        var group = crd.Text("spec", "group") ?? throw new InvalidDataException($"{crdFile}: no spec.group");
        var kind = crd.Text("spec", "names", "kind") ?? throw new InvalidDataException($"{crdFile}: no spec.names.kind");
        var entry = crd.List("spec", "versions").SingleOrDefault(v => v.Text("name") == version)
            ?? throw new InvalidDataException($"{crdFile}: no version {version}");
        return new CrdSchema(group, kind, version, entry.Map("schema", "openAPIV3Schema"));
    }

    /// <summary>The problems of one object read from <paramref name="file"/>, one line each; empty when it conforms.</summary>
    public IReadOnlyList<string> Problems(YamlMappingNode manifest, string file)
    {
        var problems = new List<string>();
        if (manifest.Text("apiVersion") != ApiVersion || manifest.Text("kind") != Kind)
        {
            problems.Add($"{file}: is {manifest.Text("apiVersion")} {manifest.Text("kind")}, not {ApiVersion} {Kind}");
            return problems;
        }

        Check(manifest, _schema, "", problem => problems.Add($"{file}: {problem}"));
        return problems;
    }

    private static void Check(YamlNode value, YamlMappingNode schema, string path, Action<string> report)
    {
        if (schema.At("anyOf") is YamlSequenceNode choices && !IntOrString(schema))
        {
            // A value must fit one of the choices; its first failing choice explains why not.
            var failures = choices.Children.Select(choice => Collect(value, (YamlMappingNode)choice, path)).ToList();
            if (failures.All(f => f.Count > 0))
            {
                failures[0].ForEach(report);
            }
        }

        if (IntOrString(schema))
        {
            if (value is not YamlScalarNode scalar || !(IsInteger(scalar) || IsString(scalar)))
            {
                report($"{Show(path)}: must be an integer or a string");
            }

            return;
        }

        switch (schema.Text("type"))
        {
            case "object":
                CheckObject(value, schema, path, report);
                break;
            case "array":
                if (value is not YamlSequenceNode list)
                {
                    report($"{Show(path)}: must be an array");
                    break;
                }

                if (schema.At("items") is YamlMappingNode items)
                {
                    for (var i = 0; i < list.Children.Count; i++)
                    {
                        Check(list.Children[i], items, $"{path}[{i}]", report);
                    }
                }

                break;
            case "string":
                if (value is not YamlScalarNode text || !IsString(text))
                {
                    report($"{Show(path)}: must be a string");
                }
                else if (schema.Text("pattern") is { } pattern && !Regex.IsMatch(text.Value!, pattern))
                {
                    report($"{Show(path)}: '{text.Value}' does not match {pattern}");
                }

                break;
            case "integer":
                if (value is not YamlScalarNode number || !IsInteger(number))
                {
                    report($"{Show(path)}: must be an integer");
                }
                else if (schema.Text("minimum") is { } minimum && long.Parse(number.Value!, CultureInfo.InvariantCulture) < long.Parse(minimum, CultureInfo.InvariantCulture))
                {
                    report($"{Show(path)}: must be at least {minimum}");
                }

                break;
            case "number":
                if (value is not YamlScalarNode real || IsQuoted(real) || !double.TryParse(real.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    report($"{Show(path)}: must be a number");
                }

                break;
            case "boolean":
                if (value is not YamlScalarNode flag || IsQuoted(flag) || flag.Value is not ("true" or "false"))
                {
                    report($"{Show(path)}: must be true or false");
                }

                break;
        }

        if (schema.At("enum") is YamlSequenceNode allowed && value is YamlScalarNode given
            && !allowed.Children.OfType<YamlScalarNode>().Any(option => option.Value == given.Value))
        {
            report($"{Show(path)}: '{given.Value}' is not one of {string.Join(", ", allowed.Children.OfType<YamlScalarNode>().Select(o => o.Value))}");
        }
    }

    private static void CheckObject(YamlNode value, YamlMappingNode schema, string path, Action<string> report)
    {
        if (value is not YamlMappingNode mapping)
        {
            report($"{Show(path)}: must be an object");
            return;
        }

        var properties = schema.At("properties") as YamlMappingNode;
        var additional = schema.At("additionalProperties") as YamlMappingNode;
        var preserveUnknown = schema.Text("x-kubernetes-preserve-unknown-fields") == "true";
        foreach (var (keyNode, child) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (path.Length == 0 && key == "metadata")
            {
                // ObjectMeta: the API server checks it as for every object, whatever the CRD's schema says.
                if (child is not YamlMappingNode)
                {
                    report("metadata: must be an object");
                }
            }
            else if (properties?.At(key) is YamlMappingNode property)
            {
                Check(child, property, childPath, report);
            }
            else if (additional is not null)
            {
                Check(child, additional, childPath, report);
            }
            else if (!preserveUnknown)
            {
                report($"{childPath}: unknown field");
            }
        }

        foreach (var required in schema.List("required").OfType<YamlScalarNode>().Select(r => r.Value!))
        {
            if (mapping.At(required) is null)
            {
                report($"{(path.Length == 0 ? required : $"{path}.{required}")}: required field missing");
            }
        }
    }

    private static List<string> Collect(YamlNode value, YamlMappingNode schema, string path)
    {
        var problems = new List<string>();
        Check(value, schema, path, problems.Add);
        return problems;
    }

    private static bool IntOrString(YamlMappingNode schema) => schema.Text("x-kubernetes-int-or-string") == "true";

    /// <summary>A scalar YAML reads as a string: quoted, or plain and not a number, boolean or null.</summary>
    private static bool IsString(YamlScalarNode scalar) =>
        IsQuoted(scalar) || !(IsInteger(scalar) || scalar.Value is "true" or "false" or "null" or "~" || double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    private static bool IsInteger(YamlScalarNode scalar) =>
        !IsQuoted(scalar) && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static bool IsQuoted(YamlScalarNode scalar) => scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted;

    private static string Show(string path) => path.Length == 0 ? "(the object)" : path;
}
