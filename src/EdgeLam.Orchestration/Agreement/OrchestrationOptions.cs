using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// Section <c>Orchestration</c>: whether the node takes part in the live agreement (plans from measured capacity)
/// instead of running the static <c>Node:Segments</c>, whether it may act as orchestrator, the privacy floor, and when
/// a re-split triggers. The defaults make "a peer slowed 4× → re-split within 10 s" hold: the node republishes its
/// capacity within about a second, the orchestrator evaluates every second and acts once the gain held 3 s.
/// </summary>
public sealed record OrchestrationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orchestration";

    /// <summary>Takes part in the agreement (default false: the static <c>Node:Segments</c> split stays).</summary>
    public bool Enabled { get; init; }

    /// <summary>May act as the site's orchestrator (the eligible online node with the lowest id does).</summary>
    public bool Eligible { get; init; } = true;

    /// <summary>Blocks [0, p) stay on the gateway with the embedding (never cut below p).</summary>
    public int PrivacyFloor { get; init; } = 1;

    /// <summary>How often the orchestrator re-plans from the latest capacities.</summary>
    public TimeSpan EvaluateInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Predicted decode-step gain (fraction of the running plan's step) that counts as a capacity gain.</summary>
    public double GainThreshold { get; init; } = 0.15;

    /// <summary>Hysteresis: a capacity gain or a QoS breach must last this long before the split moves (either way).</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Wire codecs the planner may choose for a cut (names: raw, fp16, bf16, int8); null: all four. A lossy codec
    /// (anything but raw) changes the activations, so a site that must reproduce the unsplit model's tokens allows raw only.
    /// </summary>
    public IReadOnlyList<string>? Codecs { get; init; }

    /// <summary>Optional QoS target: a measured decode step over it for <see cref="HoldFor"/> triggers a re-split.</summary>
    public double? StepTargetMs { get; init; }

    /// <summary>How long every node of a proposed plan has to acknowledge it before the orchestrator re-plans without the silent ones.</summary>
    public TimeSpan PrepareTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>With orchestration on: a node republishes its capacity when its measured step cost changed by more than this fraction.</summary>
    public double CapacityChange { get; init; } = 0.2;

    /// <summary>With orchestration on: the shortest time between two capacity republications of a node.</summary>
    public TimeSpan CapacityMinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The problems of these values, each with its full key.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        const string S = SectionName + ":";
        var problems = new List<ConfigProblem>();
        if (PrivacyFloor is < 0 or > 512)
        {
            problems.Add(new(S + "PrivacyFloor", Text(PrivacyFloor), "must be between 0 and 512 blocks"));
        }

        if (EvaluateInterval < TimeSpan.FromMilliseconds(100) || EvaluateInterval > TimeSpan.FromMinutes(10))
        {
            problems.Add(new(S + "EvaluateInterval", EvaluateInterval.ToString(), "must be from 100ms to 10m"));
        }

        if (!(GainThreshold is > 0 and < 1))
        {
            problems.Add(new(S + "GainThreshold", Text(GainThreshold), "must be a fraction above 0 and below 1 (0.15 = 15% faster decode step)"));
        }

        if (HoldFor < TimeSpan.Zero || HoldFor > TimeSpan.FromHours(1))
        {
            problems.Add(new(S + "HoldFor", HoldFor.ToString(), "must be from 0 to 1h"));
        }

        if (Codecs is { } codecs && (codecs.Count == 0 || codecs.Any(c => !EdgeLam.Wire.Codecs.WireCodecNames.TryParse(c, out _))))
        {
            problems.Add(new(S + "Codecs", string.Join(",", codecs), "must list one or more of " + string.Join(", ", EdgeLam.Wire.Codecs.WireCodecNames.All)));
        }

        if (StepTargetMs is { } target && !(target is > 0 and < 3_600_000))
        {
            problems.Add(new(S + "StepTargetMs", Text(target), "must be milliseconds above 0 (or unset: no QoS target)"));
        }

        if (PrepareTimeout < TimeSpan.FromSeconds(1) || PrepareTimeout > TimeSpan.FromMinutes(30))
        {
            problems.Add(new(S + "PrepareTimeout", PrepareTimeout.ToString(), "must be from 1s to 30m"));
        }

        if (!(CapacityChange is > 0 and < 10))
        {
            problems.Add(new(S + "CapacityChange", Text(CapacityChange), "must be a fraction above 0 (0.2 = 20% change)"));
        }

        if (CapacityMinInterval < TimeSpan.FromMilliseconds(100) || CapacityMinInterval > TimeSpan.FromMinutes(10))
        {
            problems.Add(new(S + "CapacityMinInterval", CapacityMinInterval.ToString(), "must be from 100ms to 10m"));
        }

        return problems;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
