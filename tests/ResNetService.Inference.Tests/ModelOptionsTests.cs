using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Tests;

/// <summary>
/// No <see cref="ModelOptions"/> value may be lost on its way to the model loader. Every property is set to a value
/// other than its default; the tests compare property by property (by reflection), so a new option that is not carried
/// along fails here instead of being silently ignored.
/// </summary>
public class ModelOptionsTests
{
    /// <summary>A valid, non-default value for every option. A new option must be added here (the first test says so).</summary>
    internal static readonly Dictionary<string, string?> EveryOption = new()
    {
        ["Model:Path"] = "models/every-option.onnx",
        ["Model:Name"] = "every-option",
        ["Model:LabelsPath"] = "labels/every-option.txt",
        ["Model:ImageNetLabelsPath"] = "labels/imagenet.txt",
        ["Model:ExecutionProvider"] = "Cpu",
        ["Model:DeviceId"] = "3",
        ["Model:IntraOpThreads"] = "2",
        ["Model:InterOpThreads"] = "5",
        ["Model:Preprocessing:ImageSize"] = "48",
        ["Model:Preprocessing:ResizeMode"] = "direct",
        ["Model:Preprocessing:ResizeSize"] = "56",
        ["Model:Preprocessing:Mean:0"] = "0.1",
        ["Model:Preprocessing:Mean:1"] = "0.2",
        ["Model:Preprocessing:Mean:2"] = "0.3",
        ["Model:Preprocessing:Std:0"] = "0.4",
        ["Model:Preprocessing:Std:1"] = "0.5",
        ["Model:Preprocessing:Std:2"] = "0.6",
        ["Model:Preprocessing:ColorMode"] = "grayscale",
        ["Model:OutputKind"] = "probabilities",
    };

    [Fact]
    public void The_test_configuration_sets_every_option_to_a_value_other_than_its_default()
    {
        var defaults = Values(new ModelOptions());

        var configured = Values(Bind(EveryOption));

        Assert.Equal(defaults.Keys.Order(), configured.Keys.Order());
        Assert.All(configured, option => Assert.False(
            SameValue(option.Value, defaults[option.Key]), $"{option.Key} keeps its default; give it a value in {nameof(EveryOption)}."));
    }

    [Fact]
    public void The_bound_options_keep_every_option_with_relative_paths_taken_from_the_content_root()
    {
        var contentRoot = AppContext.BaseDirectory;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(EveryOption);
        builder.Services.AddModelRepository(builder.Configuration);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<ModelOptions>>().Value;

        var expected = Values(Bind(EveryOption));
        foreach (var path in new[] { nameof(ModelOptions.Path), nameof(ModelOptions.LabelsPath), nameof(ModelOptions.ImageNetLabelsPath) })
        {
            expected[path] = Path.Combine(contentRoot, (string)expected[path]!);
        }

        var actual = Values(options);
        Assert.All(expected, option => Assert.True(
            SameValue(option.Value, actual[option.Key]), $"{option.Key} is {actual[option.Key]}, not {option.Value}."));
    }

    [Fact]
    public void Load_settings_carry_every_option()
    {
        var options = Bind(EveryOption);

        var settings = options.ToLoadSettings();

        var expected = Values(options);
        var actual = Values(settings);
        Assert.All(expected, option =>
        {
            Assert.True(actual.ContainsKey(option.Key), $"ModelLoadSettings has no {option.Key}.");
            Assert.True(SameValue(option.Value, actual[option.Key]), $"{option.Key} was not carried into ModelLoadSettings.");
        });
    }

    private static ModelOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return configuration.GetSection(ModelOptions.SectionName).Get<ModelOptions>()!;
    }

    /// <summary>Every leaf property, keyed by its configuration path below the section (nested objects joined with ':').</summary>
    internal static Dictionary<string, object?> Values(object instance, string prefix = "")
    {
        var values = new Dictionary<string, object?>();
        foreach (var property in instance.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            var value = property.GetValue(instance);
            var type = property.PropertyType;
            if (type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && value is not null)
            {
                foreach (var nested in Values(value, $"{prefix}{property.Name}:"))
                {
                    values.Add(nested.Key, nested.Value);
                }
            }
            else
            {
                values.Add(prefix + property.Name, value);
            }
        }

        return values;
    }

    internal static bool SameValue(object? left, object? right) =>
        left is IEnumerable a and not string && right is IEnumerable b and not string
            ? a.Cast<object>().SequenceEqual(b.Cast<object>())
            : Equals(left, right);
}
