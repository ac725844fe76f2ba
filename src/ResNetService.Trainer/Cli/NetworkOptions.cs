using System.CommandLine;
using ResNetService.Topology;

namespace ResNetService.Trainer.Cli;

/// <summary>The options that pick a network, shared by every command that builds one.</summary>
public static class NetworkOptions
{
    public static Option<ResNetArchitecture> Architecture() => new("--arch")
    {
        Description = $"Network: {string.Join(", ", ResNetArchitecture.All.Select(a => a.Name))}.",
        DefaultValueFactory = _ => ResNetArchitecture.ResNet50,
        CustomParser = result =>
        {
            var name = result.Tokens.Single().Value;
            if (ResNetArchitecture.TryParse(name, out var architecture))
            {
                return architecture;
            }

            result.AddError($"unknown architecture '{name}'; known: {string.Join(", ", ResNetArchitecture.All.Select(a => a.Name))}.");
            return null;
        },
    };

    /// <summary>The variant by name (<see cref="ResNetVariants"/>).</summary>
    public static Option<string> Variant()
    {
        var option = new Option<string>("--variant")
        {
            Description = ResNetVariants.Help,
            DefaultValueFactory = _ => ResNetVariants.Default.Name(),
        };
        option.AcceptOnlyFromAmong([.. ResNetVariants.AllNames]);
        return option;
    }

    /// <summary>The head by name (<see cref="ResNetHeads"/>).</summary>
    public static Option<string> Head()
    {
        var option = new Option<string>("--head")
        {
            Description = ResNetHeads.Help,
            DefaultValueFactory = _ => ResNetHeads.Default.Name(),
        };
        option.AcceptOnlyFromAmong([.. ResNetHeads.AllNames]);
        return option;
    }

    public static Option<int> ImageSize(int defaultSize)
    {
        var option = new Option<int>("--image-size")
        {
            Description = $"Side of the square input in pixels (at least {ResNetArchitecture.MinimumImageSize}).",
            DefaultValueFactory = _ => defaultSize,
        };
        option.Validators.Add(result =>
        {
            var size = result.GetValueOrDefault<int>();
            if (size < ResNetArchitecture.MinimumImageSize)
            {
                result.AddError($"image size {size} is too small; the network needs at least {ResNetArchitecture.MinimumImageSize} pixels.");
            }
        });
        return option;
    }

    public static Option<int> Classes(int defaultCount)
    {
        var option = new Option<int>("--classes")
        {
            Description = "Number of output classes.",
            DefaultValueFactory = _ => defaultCount,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--classes must be at least 1.");
            }
        });
        return option;
    }
}
