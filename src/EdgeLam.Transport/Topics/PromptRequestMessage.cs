using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLam.Transport.Topics;

/// <summary>
/// A request for a gateway to run, on <c>…/requests/{gateway}</c> (docs/protocol.md, "Requests"): generate up to
/// <see cref="MaxTokens"/> tokens after <see cref="PromptIds"/>, stopping early at a token of <see cref="Stop"/>. The
/// results on <c>…/results/{gateway}</c> carry <see cref="Id"/>.
/// </summary>
public sealed record PromptRequestMessage
{
    /// <summary>The sender's id for the request: 1–64 of <c>[A-Za-z0-9._-]</c>, echoed as the results' <c>id</c>.</summary>
    public string? Id { get; init; }

    /// <summary>The prompt's token ids.</summary>
    public IReadOnlyList<long>? PromptIds { get; init; }

    /// <summary>Most tokens to generate (at least 1).</summary>
    public int MaxTokens { get; init; }

    /// <summary>Tokens that end the request early, if any.</summary>
    public IReadOnlyList<long>? Stop { get; init; }

    /// <summary>
    /// Reads a request; false with the problem (naming the field) when the JSON is unreadable, the id is missing or
    /// invalid, the prompt is empty, <see cref="MaxTokens"/> is below 1, or prompt and tokens exceed
    /// <paramref name="contextLimit"/>. <paramref name="id"/> is the request's id when it could be read, for the error.
    /// Pure.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, int contextLimit, out PromptRequestMessage? request, out string? id, out string? problem)
    {
        request = null;
        id = null;
        PromptRequestMessage? read;
        try
        {
            read = JsonSerializer.Deserialize(payload, PromptRequestJsonContext.Default.PromptRequestMessage);
        }
        catch (JsonException e)
        {
            problem = "bad JSON: " + e.Message;
            return false;
        }

        if (read is null)
        {
            problem = "bad JSON: the request is null";
            return false;
        }

        id = TopicScheme.IsValidName(read.Id) ? read.Id : null;
        var positions = (long)(read.PromptIds?.Count ?? 0) + read.MaxTokens;
        problem = id is null ? "id must be 1-64 of [A-Za-z0-9._-]"
            : read.PromptIds is not { Count: > 0 } ? "promptIds is empty: a request needs at least one prompt token"
            : read.MaxTokens < 1 ? "maxTokens must be at least 1"
            : positions > contextLimit ? string.Create(CultureInfo.InvariantCulture, $"promptIds ({read.PromptIds.Count}) + maxTokens ({read.MaxTokens}) exceed the context limit of {contextLimit} positions")
            : null;
        request = problem is null ? read : null;
        return problem is null;
    }
}

/// <summary>Source-generated JSON for <see cref="PromptRequestMessage"/> (NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PromptRequestMessage))]
public sealed partial class PromptRequestJsonContext : JsonSerializerContext;
