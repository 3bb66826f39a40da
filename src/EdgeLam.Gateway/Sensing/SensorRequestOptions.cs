using System.Globalization;
using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// How sensor windows become gateway requests (section <c>Sensing</c>; see docs/sensors.md "From windows to
/// requests"). Validated at start.
/// </summary>
public sealed class SensorRequestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sensing";

    /// <summary>Grouping: a request once every selected stream has a window newer than the last request.</summary>
    public const string AllStreams = "all-streams";

    /// <summary>Grouping: a request per window.</summary>
    public const string PerWindow = "per-window";

    /// <summary>Tokens generated per request.</summary>
    public int MaxNewTokens { get; set; } = 8;

    /// <summary>Whether a gateway node of <c>edgelam run</c> takes requests from its sensor windows.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests running at once; a window that arrives while all are busy is dropped and counted.</summary>
    public int MaxInFlight { get; set; } = 1;

    /// <summary><c>all-streams</c> (default) or <c>per-window</c>.</summary>
    public string Grouping { get; set; } = AllStreams;

    /// <summary>Streams that make requests, by name (every configured stream when empty).</summary>
    public List<string> Streams { get; set; } = [];

    /// <summary>Token ids placed before the streams (e.g. a task prompt), in model vocabulary.</summary>
    public List<long> PromptIds { get; set; } = [];

    /// <summary>Tokens that end a request early.</summary>
    public List<long> StopTokens { get; set; } = [];

    /// <summary>Where the default patch encoder is written (the temporary folder when empty).</summary>
    public string? EncoderCacheDirectory { get; set; }

    /// <summary>
    /// Every problem, each naming its key, the value and what is allowed; <paramref name="knownStreams"/> (the names
    /// of <c>Sensors:Streams</c>) also checks <see cref="Streams"/>.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate(IReadOnlyCollection<string>? knownStreams = null)
    {
        var problems = new List<ConfigProblem>();
        const string S = SectionName + ":";
        if (MaxNewTokens is < 1 or > 4096)
        {
            problems.Add(new(S + "MaxNewTokens", Text(MaxNewTokens), "must be between 1 and 4096"));
        }

        if (MaxInFlight is < 1 or > 64)
        {
            problems.Add(new(S + "MaxInFlight", Text(MaxInFlight), "must be between 1 and 64"));
        }

        if (Grouping is not (AllStreams or PerWindow))
        {
            problems.Add(new(S + "Grouping", Grouping, "must be " + AllStreams + " or " + PerWindow));
        }

        if (PromptIds.Any(id => id < 0))
        {
            problems.Add(new(S + "PromptIds", string.Join(",", PromptIds), "must be token ids >= 0"));
        }

        if (knownStreams is not null)
        {
            foreach (var stream in Streams.Where(s => !knownStreams.Contains(s)))
            {
                problems.Add(new(S + "Streams", stream, "must be a stream of Sensors:Streams (" + string.Join(", ", knownStreams) + ")"));
            }

            if (knownStreams.Count == 0)
            {
                problems.Add(new("Sensors:Streams", null, "must define at least one stream for the sensing pump"));
            }
        }

        return problems;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
