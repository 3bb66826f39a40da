using EdgeLam.Hosting.Configuration;
using EdgeLam.Onnx.Model;
using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Orchestration</c> (the live agreement: docs/orchestration.md, "Agreement and re-split") into
/// <see cref="OrchestrationOptions"/>; malformed values are reported by the reader with their key, the rest by the
/// options' own validator.
/// </summary>
internal sealed class OrchestrationSectionBinder : IConfigSectionBinder
{
    private const string S = OrchestrationOptions.SectionName + ":";

    public string Section => OrchestrationOptions.SectionName;

    public object Bind(ConfigReader reader, EdgeLamSettings settings)
    {
        var options = Bind(reader);
        if (options.Enabled && settings.Model.Path is { } model && reader.Problems.All(p => p.Key != "Model:Path"))
        {
            CheckModel(reader, model);
        }

        return options;
    }

    /// <summary>The agreement plans from the model's cost table: a model without one cannot take part.</summary>
    private static void CheckModel(ConfigReader r, string model)
    {
        try
        {
            _ = Cli.PlanCommands.ReadCosts(model);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxModelException)
        {
            r.Problem(S + "Enabled", "true", "needs a model whose manifest has a cost table (" + e.Message + ")");
        }
    }

    public static OrchestrationOptions Bind(ConfigReader r)
    {
        var d = new OrchestrationOptions();
        var target = r.String(S + "StepTargetMs");
        var codecs = r.Configuration.GetSection(S + "Codecs").GetChildren().Select(c => c.Value?.Trim() ?? string.Empty).ToList();
        var options = new OrchestrationOptions
        {
            Enabled = r.Bool(S + "Enabled", d.Enabled),
            Eligible = r.Bool(S + "Eligible", d.Eligible),
            PrivacyFloor = r.Int(S + "PrivacyFloor", d.PrivacyFloor, 0, 512),
            EvaluateInterval = r.Duration(S + "EvaluateInterval", d.EvaluateInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            GainThreshold = r.Double(S + "GainThreshold", d.GainThreshold, 0, 1),
            HoldFor = r.Duration(S + "HoldFor", d.HoldFor, TimeSpan.Zero, TimeSpan.FromHours(1)),
            StepTargetMs = target is null ? null : r.Double(S + "StepTargetMs", 0, 0, 3_600_000),
            PrepareTimeout = r.Duration(S + "PrepareTimeout", d.PrepareTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30)),
            CapacityChange = r.Double(S + "CapacityChange", d.CapacityChange, 0, 10),
            Codecs = codecs.Count > 0 ? codecs : null,
            CapacityMinInterval = r.Duration(S + "CapacityMinInterval", d.CapacityMinInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        };
        foreach (var problem in options.Validate())
        {
            if (r.Problems.All(p => p.Key != problem.Key))
            {
                r.Problem(problem);
            }
        }

        return options;
    }
}
