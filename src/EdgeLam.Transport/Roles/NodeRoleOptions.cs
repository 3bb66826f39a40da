using System.Globalization;
using EdgeLam.Core.Configuration;
using EdgeLam.Inference.Chain;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The settings a running stage may take from SIGHUP, as one immutable value: a reload swaps the whole value
/// (<see cref="NodeRoleOptions.Tuning"/>), and a stage reads it once per step, so one step never mixes old and new.
/// </summary>
/// <param name="StepTimeout">How long the gateway waits for a step's reply before sending the step again.</param>
/// <param name="MaxAttempts">How many times a step is sent before the request fails.</param>
/// <param name="ResultTopK">Top-k entries in results.</param>
/// <param name="Throttle">Each step of this node's segments takes this many times its compute time (1: as fast as it runs; see <see cref="StepThrottle"/>).</param>
public sealed record StageTuning(TimeSpan StepTimeout, int MaxAttempts, int ResultTopK, double Throttle = StepThrottle.None)
{
    /// <summary>5 s, 12 attempts, top 5.</summary>
    public static StageTuning Default { get; } = new(TimeSpan.FromSeconds(5), 12, 5);
}

/// <summary>What a node runs: which segments of which split model, and how it talks to its neighbours.</summary>
public sealed class NodeRoleOptions
{
    /// <summary>The smallest <see cref="ContextLimit"/>.</summary>
    public const int MinContextLimit = 16;

    /// <summary>The largest <see cref="ContextLimit"/>.</summary>
    public const int MaxContextLimit = 1 << 20;

    /// <summary>The largest <see cref="ResultTopK"/>.</summary>
    public const int MaxResultTopK = 64;

    /// <summary>The largest <see cref="MaxAttempts"/>.</summary>
    public const int MaxMaxAttempts = 1000;

    /// <summary>The shortest <see cref="StepTimeout"/>.</summary>
    public static readonly TimeSpan MinStepTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest <see cref="StepTimeout"/> and <see cref="KvHandoverTimeout"/>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The shortest <see cref="KvHandoverTimeout"/>.</summary>
    public static readonly TimeSpan MinKvHandoverTimeout = TimeSpan.FromMilliseconds(10);

    private StageTuning _tuning = StageTuning.Default;

    /// <summary>Site: the topic namespace <c>edgelam/v1/{site}/</c>.</summary>
    public string Site { get; set; } = "default";

    /// <summary>This node's name (unique in the site).</summary>
    public string Node { get; set; } = string.Empty;

    /// <summary>A split model directory (manifest.json + segment folders).</summary>
    public string ModelDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Null: a static node, running <see cref="FirstSegment"/>-<see cref="LastSegment"/> on epoch
    /// <see cref="PlanEpoch"/>. Gateway or peer: an orchestrated node, started with no layout; the agreement gives it
    /// its ranges epoch by epoch (<see cref="RoleHost.Layouts"/>), opened from the per-block split in
    /// <see cref="ModelDirectory"/>, and <see cref="FirstSegment"/>, <see cref="LastSegment"/>, <see cref="PlanEpoch"/>
    /// and <see cref="Codec"/> are not used.
    /// </summary>
    public Layouts.LayoutRole? Orchestrated { get; set; }

    /// <summary>First hosted segment.</summary>
    public int FirstSegment { get; set; }

    /// <summary>Last hosted segment.</summary>
    public int LastSegment { get; set; }

    /// <summary>Codec for hidden states on the wire.</summary>
    public WireCodec Codec { get; set; } = WireCodec.Raw;

    /// <summary>Plan epoch stamped on and expected in frames.</summary>
    public uint PlanEpoch { get; set; } = 1;

    /// <summary>Context limit per conversation (default <see cref="ChainOptions.DefaultContextLimit"/>).</summary>
    public int ContextLimit { get; set; } = ChainOptions.DefaultContextLimit;

    /// <summary>The values a reload may change while the stage runs, swapped whole (read once per step).</summary>
    public StageTuning Tuning
    {
        get => Volatile.Read(ref _tuning);
        set => Volatile.Write(ref _tuning, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>How long the gateway waits for a step's reply before sending the step again (<see cref="Tuning"/>).</summary>
    public TimeSpan StepTimeout
    {
        get => Tuning.StepTimeout;
        set => Tuning = Tuning with { StepTimeout = value };
    }

    /// <summary>How many times a step is sent before the request fails (<see cref="Tuning"/>).</summary>
    public int MaxAttempts
    {
        get => Tuning.MaxAttempts;
        set => Tuning = Tuning with { MaxAttempts = value };
    }

    /// <summary>Top-k entries in results (<see cref="Tuning"/>).</summary>
    public int ResultTopK
    {
        get => Tuning.ResultTopK;
        set => Tuning = Tuning with { ResultTopK = value };
    }

    /// <summary>Conversations whose last answer a stage keeps to answer a resent step without running it twice.</summary>
    public int ReplayCacheSessions { get; set; } = 4096;

    /// <summary>
    /// How an orchestrated gateway moves a running conversation to a newer layout: by KV handover or replay chosen by
    /// measured cost (default), always by handover (replay only when it fails), or only by replay.
    /// </summary>
    public Handover.KvHandoverMode KvHandover { get; set; } = Handover.KvHandoverMode.Measured;

    /// <summary>How long a KV handover may take before the gateway gives it up and replays the conversation.</summary>
    public TimeSpan KvHandoverTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws with every problem of <see cref="Validate"/>, one per line.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(ConfigProblem.Lines(problems), "options");
        }
    }

    /// <summary>Every problem, each naming the key, the value and what is allowed (empty when valid).</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        if (!Topics.TopicScheme.IsValidName(Site))
        {
            problems.Add(new("Node:Site", Site, "must be 1-64 characters from [A-Za-z0-9._-]"));
        }

        if (!Topics.TopicScheme.IsValidName(Node))
        {
            problems.Add(new("Node:Name", Node, "must be 1-64 characters from [A-Za-z0-9._-]"));
        }

        if (string.IsNullOrWhiteSpace(ModelDirectory) || !Directory.Exists(ModelDirectory))
        {
            problems.Add(new("Model:Path", ModelDirectory, "must be an existing split model directory"));
        }

        if (Orchestrated is null && (FirstSegment < 0 || LastSegment < FirstSegment))
        {
            problems.Add(new("Node:Segments", Text(FirstSegment) + "-" + Text(LastSegment), "must be a range A-B with 0 <= A <= B"));
        }

        if (!CodecLayout.IsDefined(Codec))
        {
            problems.Add(new("Node:Wire", Codec.ToString(), "must be raw, fp16, bf16 or int8"));
        }

        if (ContextLimit is < MinContextLimit or > MaxContextLimit)
        {
            problems.Add(new("Node:ContextLimit", Text(ContextLimit), "must be between " + Text(MinContextLimit) + " and " + Text(MaxContextLimit)));
        }

        var tuning = Tuning;
        if (tuning.StepTimeout < MinStepTimeout || tuning.StepTimeout > MaxTimeout)
        {
            problems.Add(new("Node:StepTimeout", Text(tuning.StepTimeout), "must be between " + Text(MinStepTimeout) + " and " + Text(MaxTimeout)));
        }

        if (tuning.MaxAttempts is < 1 or > MaxMaxAttempts)
        {
            problems.Add(new("Node:MaxAttempts", Text(tuning.MaxAttempts), "must be between 1 and " + Text(MaxMaxAttempts)));
        }

        if (tuning.ResultTopK is < 1 or > MaxResultTopK)
        {
            problems.Add(new("Node:ResultTopK", Text(tuning.ResultTopK), "must be between 1 and " + Text(MaxResultTopK)));
        }

        if (tuning.Throttle is not (>= StepThrottle.None and <= StepThrottle.Max))
        {
            problems.Add(new("Node:Throttle", tuning.Throttle.ToString(CultureInfo.InvariantCulture), "must be between 1 and " + StepThrottle.Max.ToString(CultureInfo.InvariantCulture)));
        }

        if (!Enum.IsDefined(KvHandover))
        {
            problems.Add(new("Node:KvHandover", KvHandover.ToString(), "must be measured, always or off"));
        }

        if (KvHandoverTimeout < MinKvHandoverTimeout || KvHandoverTimeout > MaxTimeout)
        {
            problems.Add(new("Node:KvHandoverTimeout", Text(KvHandoverTimeout), "must be between " + Text(MinKvHandoverTimeout) + " and " + Text(MaxTimeout)));
        }

        return problems;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
