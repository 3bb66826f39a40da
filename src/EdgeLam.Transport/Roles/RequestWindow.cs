using System.Text.Json;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// What a request was made from, carried from the gateway to the result (<c>window</c> in docs/results-schema.md):
/// the sensor windows' time range (monotonic nanoseconds of the gateway and wall-clock UTC) and the streams with the
/// tokenizer each used. Metadata only: no sensor value travels with it.
/// </summary>
public sealed record RequestWindow
{
    /// <summary>Streams a request may name.</summary>
    public const int MaxStreams = 32;

    /// <summary>Largest encoded size (UTF-8 JSON) accepted in the MQTT user property.</summary>
    public const int MaxEncodedBytes = 4096;

    /// <summary>Wall-clock time of the earliest sample.</summary>
    public DateTimeOffset StartUtc { get; init; }

    /// <summary>Wall-clock time of the latest sample.</summary>
    public DateTimeOffset EndUtc { get; init; }

    /// <summary>The earliest sample's timestamp on the gateway's clock (ns; monotonic for polled sensors, Unix epoch for pushed readings).</summary>
    public long StartNs { get; init; }

    /// <summary>The latest sample's timestamp on the gateway's clock (ns).</summary>
    public long EndNs { get; init; }

    /// <summary>The streams in model-input order.</summary>
    public IReadOnlyList<RequestStream> Streams { get; init; } = [];

    /// <summary>Null when the window is well formed, else what is wrong (bounded sizes, names, ordered times).</summary>
    public string? Problem()
    {
        if (EndUtc < StartUtc || EndNs < StartNs)
        {
            return "the window ends before it starts";
        }

        if (Streams is null || Streams.Count is 0 or > MaxStreams)
        {
            return "a window names 1-" + MaxStreams + " streams";
        }

        foreach (var s in Streams)
        {
            if (s is null || !TopicScheme.IsValidName(s.Name) || !TopicScheme.IsValidName(s.Tokenizer))
            {
                return "stream and tokenizer names must be 1-64 characters from [A-Za-z0-9._-]";
            }

            if (s.EndNs < s.StartNs || s.Positions < 0 || s.Sequence < 0)
            {
                return "stream '" + s.Name + "' has a reversed time range or a negative count";
            }
        }

        return null;
    }

    /// <summary>The user-property form (compact JSON).</summary>
    public string Encode() => JsonSerializer.Serialize(this, RoleJsonContext.Default.RequestWindow);

    /// <summary>The user-property form, checked: well formed and at most <see cref="MaxEncodedBytes"/> characters.</summary>
    /// <exception cref="ArgumentException">The window is invalid or too large to travel.</exception>
    public string EncodeForWire()
    {
        if (Problem() is { } problem)
        {
            throw new ArgumentException("The request's window metadata is invalid: " + problem + ".", "window");
        }

        var encoded = Encode();
        return encoded.Length <= MaxEncodedBytes
            ? encoded
            : throw new ArgumentException("The request's window metadata takes " + encoded.Length + " characters; at most " + MaxEncodedBytes + " travel.", "window");
    }

    /// <summary>Parses and validates the user-property form; false with a reason for anything oversized, unreadable or inconsistent.</summary>
    public static bool TryDecode(string? value, out RequestWindow? window, out string? problem)
    {
        window = null;
        if (string.IsNullOrEmpty(value))
        {
            problem = "empty window";
            return false;
        }

        if (value.Length > MaxEncodedBytes)
        {
            problem = "window metadata longer than " + MaxEncodedBytes + " characters";
            return false;
        }

        try
        {
            window = JsonSerializer.Deserialize(value, RoleJsonContext.Default.RequestWindow);
        }
        catch (JsonException ex)
        {
            problem = "unreadable window metadata: " + ex.Message;
            return false;
        }

        problem = window is null ? "null window" : window.Problem();
        if (problem is not null)
        {
            window = null;
            return false;
        }

        return true;
    }
}

/// <summary>One stream of a <see cref="RequestWindow"/>.</summary>
public sealed record RequestStream
{
    /// <summary>The stream's configured name.</summary>
    public required string Name { get; init; }

    /// <summary><c>chronos</c> (token ids) or <c>patch</c> (encoder embeddings).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>Model positions the stream took (its separator included).</summary>
    public int Positions { get; init; }

    /// <summary>The window's running number in its stream.</summary>
    public long Sequence { get; init; }

    /// <summary>The stream window's first sample (ns, the gateway's clock).</summary>
    public long StartNs { get; init; }

    /// <summary>The stream window's last sample (ns, the gateway's clock).</summary>
    public long EndNs { get; init; }
}
