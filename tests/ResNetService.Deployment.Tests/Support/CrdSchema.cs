using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// An object checked against the structural schema of a custom resource (its CRD's <c>openAPIV3Schema</c>, kept as test
/// data), the checks an API server makes that matter for a manifest: fields the schema does not define (which the server
/// would drop without a word), types as YAML parses them (a plain <c>5</c> is an integer, not a string), required
/// fields, patterns and minimum lengths. An object with no properties listed (metadata) takes anything. Each problem
/// names the file and the field path, e.g. <c>spec.groups[0].rules[1].expr</c>.
/// </summary>
public sealed class CrdSchema(YamlNode root)
{
    /// <param name="relativePath">A schema under the test project's Schemas folder, relative to the repository.</param>
    public static CrdSchema Load(string relativePath) => new(YamlDocuments.Load(Repository.ReadAllText(relativePath)));

    /// <summary>What does not fit, one line each, every line starting with <paramref name="file"/>.</summary>
    public IReadOnlyList<string> Problems(string file, YamlNode value)
    {
        var problems = new List<string>();
        Check(root, value, "", problems);
        return [.. problems.Select(problem => $"{file}: {problem}")];
    }

    private static void Check(YamlNode schema, YamlNode value, string path, List<string> problems)
    {
        if (schema.At("anyOf") is YamlSequenceNode options)
        {
            if (!options.Children.Any(option => Fits(option, value, path)))
            {
                problems.Add($"{Named(path)}: none of the types the schema allows");
            }

            return;
        }

        switch (schema.Text("type"))
        {
            case "object":
                CheckObject(schema, value, path, problems);
                break;
            case "array" when value is YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Check(schema.At("items")!, sequence.Children[i], $"{path}[{i}]", problems);
                }

                break;
            case "string" when value is YamlScalarNode scalar && !IsPlainNonString(scalar):
                if (schema.Text("pattern") is { } pattern && !Regex.IsMatch(scalar.Value ?? "", pattern))
                {
                    problems.Add($"{Named(path)}: '{scalar.Value}' does not match {pattern}");
                }

                if (schema.Text("minLength") is { } minLength && (scalar.Value ?? "").Length < int.Parse(minLength, CultureInfo.InvariantCulture))
                {
                    problems.Add($"{Named(path)}: shorter than {minLength} characters");
                }

                break;
            case "integer" when value is YamlScalarNode { Style: ScalarStyle.Plain } scalar && long.TryParse(scalar.Value, CultureInfo.InvariantCulture, out _):
                break;
            case var type:
                problems.Add($"{Named(path)}: not of type {type}");
                break;
        }
    }

    private static void CheckObject(YamlNode schema, YamlNode value, string path, List<string> problems)
    {
        if (value is not YamlMappingNode mapping)
        {
            problems.Add($"{Named(path)}: not an object");
            return;
        }

        var properties = schema.At("properties") as YamlMappingNode;
        var additional = schema.At("additionalProperties");
        foreach (var (key, child) in mapping.Children)
        {
            var field = path.Length == 0 ? key.ToString() : $"{path}.{key}";
            if (properties is not null && properties.Children.TryGetValue(key, out var fieldSchema))
            {
                Check(fieldSchema, child, field, problems);
            }
            else if (additional is not null)
            {
                Check(additional, child, field, problems);
            }
            else if (properties is not null)
            {
                problems.Add($"{field}: not a field the schema defines");
            }
        }

        foreach (var required in schema.List("required"))
        {
            if (!mapping.Children.ContainsKey(required))
            {
                problems.Add($"{(path.Length == 0 ? "" : path + ".")}{required}: required, missing");
            }
        }
    }

    private static bool Fits(YamlNode schema, YamlNode value, string path)
    {
        var problems = new List<string>();
        Check(schema, value, path, problems);
        return problems.Count == 0;
    }

    /// <summary>A plain scalar that YAML reads as a number, a boolean or null: not a string to the API server.</summary>
    private static bool IsPlainNonString(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain &&
        (double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ||
         scalar.Value is "true" or "false" or "null" or "~" or "" or null);

    private static string Named(string path) => path.Length == 0 ? "(the object)" : path;
}
