using EdgeLam.Wire.Codecs;

namespace EdgeLam.Transport.Roles;

/// <summary>What a node runs: which segments of which split model, and how it talks to its neighbours.</summary>
public sealed class NodeRoleOptions
{
    /// <summary>Site: the topic namespace <c>edgelam/v1/{site}/</c>.</summary>
    public string Site { get; set; } = "default";

    /// <summary>This node's name (unique in the site).</summary>
    public string Node { get; set; } = string.Empty;

    /// <summary>A split model directory (manifest.json + segment folders).</summary>
    public string ModelDirectory { get; set; } = string.Empty;

    /// <summary>First hosted segment.</summary>
    public int FirstSegment { get; set; }

    /// <summary>Last hosted segment.</summary>
    public int LastSegment { get; set; }

    /// <summary>Codec for hidden states on the wire.</summary>
    public WireCodec Codec { get; set; } = WireCodec.Raw;

    /// <summary>Plan epoch stamped on and expected in frames.</summary>
    public uint PlanEpoch { get; set; } = 1;

    /// <summary>Context limit per conversation.</summary>
    public int ContextLimit { get; set; } = 512;

    /// <summary>How long the gateway waits for a step's reply before sending the step again.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a step is sent before the request fails.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Top-k entries in results.</summary>
    public int ResultTopK { get; set; } = 5;

    /// <summary>Conversations whose last answer a stage keeps to answer a resent step without running it twice.</summary>
    public int ReplayCacheSessions { get; set; } = 4096;

    /// <summary>Throws with every problem of <see cref="Validate"/>, one per line.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), "options");
        }
    }

    /// <summary>Problems, one per line, naming the key, the value and what is allowed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Topics.TopicScheme.IsValidName(Site))
        {
            problems.Add("Node:Site '" + Site + "' must be 1-64 characters from [A-Za-z0-9._-].");
        }

        if (!Topics.TopicScheme.IsValidName(Node))
        {
            problems.Add("Node:Name '" + Node + "' must be 1-64 characters from [A-Za-z0-9._-].");
        }

        if (string.IsNullOrWhiteSpace(ModelDirectory) || !Directory.Exists(ModelDirectory))
        {
            problems.Add("Model:Path '" + ModelDirectory + "' must be an existing split model directory.");
        }

        if (FirstSegment < 0 || LastSegment < FirstSegment)
        {
            problems.Add("Node:Segments " + FirstSegment + "-" + LastSegment + " must be a range A-B with 0 <= A <= B.");
        }

        if (!CodecLayout.IsDefined(Codec))
        {
            problems.Add("Node:Wire '" + Codec + "' must be raw, fp16, bf16 or int8.");
        }

        if (ContextLimit is < 16 or > 1 << 20)
        {
            problems.Add("Node:ContextLimit " + ContextLimit + " must be between 16 and 1048576.");
        }

        if (StepTimeout <= TimeSpan.Zero || MaxAttempts < 1)
        {
            problems.Add("Node:StepTimeout " + StepTimeout + " must be positive and Node:MaxAttempts " + MaxAttempts + " at least 1.");
        }

        if (ResultTopK is < 1 or > 64)
        {
            problems.Add("Node:ResultTopK " + ResultTopK + " must be between 1 and 64.");
        }

        return problems;
    }
}
