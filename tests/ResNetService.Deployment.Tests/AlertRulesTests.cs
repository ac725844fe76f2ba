using System.Text;
using System.Text.RegularExpressions;
using ResNetService.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// The alerting rules: promtool accepts them and their unit tests pass, every alert has a case that fires and one that
/// does not, each says how bad it is and what to do, each reads only metrics the service exports, and the Prometheus
/// operator's PrometheusRule holds the very same groups and fits the operator's CRD schema. A broken rule file, a
/// renamed field or a value the schema refuses fails naming the file (and the field path).
/// </summary>
public sealed partial class AlertRulesTests
{
    private const string Rules = "docker/monitoring/alerts.yml";
    private const string RuleTests = "docker/monitoring/alerts.test.yml";
    private const string OperatorFolder = "docker/k8s/monitoring";
    private const string OperatorRule = "docker/k8s/monitoring/prometheusrule.yaml";

    private static readonly CrdSchema PrometheusRuleSchema =
        CrdSchema.Load("tests/ResNetService.Deployment.Tests/TestData/crds/monitoring.coreos.com_prometheusrules.yaml", "v1");

    private static readonly YamlMappingNode RuleFile = YamlDocuments.Load(Repository.ReadAllText(Rules));

    private static IReadOnlyList<YamlNode> AlertRules =>
        [.. RuleFile.List("groups").SelectMany(group => group.List("rules")).Where(rule => rule.Text("alert") is not null)];

    [Fact]
    public void Promtool_accepts_the_rule_file()
    {
        AssertPromtoolPasses(["check", "rules", Repository.PathOf(Rules)], Rules);
    }

    [Fact]
    public void The_unit_tests_of_the_rules_pass()
    {
        AssertPromtoolPasses(["test", "rules", Repository.PathOf(RuleTests)], RuleTests);
    }

    [Fact]
    public void A_rule_with_a_promql_syntax_error_fails_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("resnet-alert-rules-").FullName;
        var broken = Path.Combine(folder, "broken-alerts.yml");
        var text = Repository.ReadAllText(Rules);
        Assert.Contains("resnet_service_ready == 0", text);
        File.WriteAllText(broken, text.Replace("resnet_service_ready == 0", "resnet_service_ready == == 0"));
        try
        {
            var result = Tool.Run(ValidatorTools.Promtool, ["check", "rules", broken]);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(broken, result.Output + result.Error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_alert_has_a_firing_and_a_quiet_case_in_the_unit_tests()
    {
        var cases = YamlDocuments.Load(Repository.ReadAllText(RuleTests)).List("tests")
            .SelectMany(test => test.List("alert_rule_test"))
            .Select(test => (Alert: test.Text("alertname"), Fires: test.List("exp_alerts").Count > 0))
            .ToList();

        Assert.NotEmpty(AlertRules);
        Assert.All(AlertRules.Select(rule => rule.Text("alert")), alert =>
        {
            Assert.True(cases.Contains((alert, true)), $"{RuleTests} has no case where {alert} fires.");
            Assert.True(cases.Contains((alert, false)), $"{RuleTests} has no case where {alert} stays quiet.");
        });
        // No case for an alert that the rules do not have (e.g. one renamed on one side only).
        Assert.Subset(AlertRules.Select(rule => rule.Text("alert")).ToHashSet(), cases.Select(c => c.Alert).ToHashSet());
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_and_a_description_of_what_to_do()
    {
        Assert.All(AlertRules, rule =>
        {
            var alert = rule.Text("alert");
            Assert.True(rule.Text("labels", "severity") is "warning" or "critical", $"{Rules}: {alert} has no severity warning or critical.");
            Assert.False(string.IsNullOrWhiteSpace(rule.Text("annotations", "summary")), $"{Rules}: {alert} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(rule.Text("annotations", "description")), $"{Rules}: {alert} has no description.");
        });
    }

    [Fact]
    public void Every_metric_an_alert_reads_is_one_the_service_exports()
    {
        Assert.NotEmpty(ExportedMetrics.Names);
        Assert.All(AlertRules, rule =>
        {
            var read = ServiceMetric().Matches(rule.Text("expr")!).Select(match => match.Value).ToList();

            Assert.True(read.Count > 0, $"{Rules}: {rule.Text("alert")} reads none of the service's metrics.");
            Assert.All(read, name => Assert.True(ExportedMetrics.Names.Contains(name),
                $"{Rules}: {rule.Text("alert")} reads {name}, which the service does not export. It exports: " +
                string.Join(", ", ExportedMetrics.Names.Order())));
        });
    }

    [Fact]
    public void The_prometheus_rule_built_by_kustomize_holds_the_same_groups_as_the_rule_file()
    {
        var built = YamlDocuments.LoadAll(Kustomize.Build(OperatorFolder));

        var rule = Assert.Single(built);
        Assert.Equal("monitoring.coreos.com/v1", rule.Text("apiVersion"));
        Assert.Equal("PrometheusRule", rule.Text("kind"));
        Assert.True(Canonical(rule.At("spec", "groups")!) == Canonical(RuleFile.At("groups")!),
            $"{OperatorFolder}/prometheusrule.yaml: spec.groups differs from the groups of {Rules}; change both.");
    }

    [Fact]
    public void The_prometheus_rule_fits_the_operators_crd_schema()
    {
        var rule = Assert.Single(YamlDocuments.LoadAll(Kustomize.Build(OperatorFolder)));

        var problems = PrometheusRuleSchema.Problems(rule, OperatorRule);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_renamed_field_in_the_prometheus_rule_fails_naming_the_file_and_the_field_path()
    {
        var text = Repository.ReadAllText(OperatorRule);
        var renamed = new Regex(@"\bexpr:").Replace(text, "expression:", count: 1);
        Assert.NotEqual(text, renamed);

        var problems = PrometheusRuleSchema.Problems(YamlDocuments.Load(renamed), OperatorRule);

        Assert.Contains($"{OperatorRule}: spec.groups[0].rules[0].expression: unknown field", problems);
        Assert.Contains($"{OperatorRule}: spec.groups[0].rules[0].expr: required field missing", problems);
    }

    [Fact]
    public void A_duration_or_type_the_schema_refuses_fails_naming_the_field_path()
    {
        var text = Repository.ReadAllText(OperatorRule);
        var broken = new Regex(@"for: 5m").Replace(text, "for: 5 minutes", count: 1).Replace("severity: warning", "severity: 3");

        var problems = PrometheusRuleSchema.Problems(YamlDocuments.Load(broken), OperatorRule);

        Assert.Contains(problems, p => p.StartsWith($"{OperatorRule}: spec.groups[0].rules[0].for: '5 minutes' does not match", StringComparison.Ordinal));
        Assert.Contains($"{OperatorRule}: spec.groups[0].rules[0].labels.severity: must be a string", problems);
    }

    private static void AssertPromtoolPasses(string[] arguments, string file)
    {
        var result = Tool.Run(ValidatorTools.Promtool, arguments, workingDirectory: Path.GetDirectoryName(Repository.PathOf(file)));
        Assert.True(result.ExitCode == 0, $"promtool {arguments[0]} {arguments[1]} failed for {file}: {result}");
    }

    /// <summary>A node as text with mapping keys in order, so that two files that differ only in key order are equal.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlMappingNode mapping => "{" + string.Join(",", mapping.Children
            .Select(pair => $"{Canonical(pair.Key)}:{Canonical(pair.Value)}")
            .Order(StringComparer.Ordinal)) + "}",
        YamlSequenceNode sequence => "[" + string.Join(",", sequence.Children.Select(Canonical)) + "]",
        YamlScalarNode scalar => Convert.ToBase64String(Encoding.UTF8.GetBytes(scalar.Value ?? "")),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
    };

    [GeneratedRegex(@"\bresnet_service_[a-z0-9_]+")]
    private static partial Regex ServiceMetric();
}
