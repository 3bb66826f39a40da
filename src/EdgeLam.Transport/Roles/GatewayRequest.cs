namespace EdgeLam.Transport.Roles;

/// <summary>
/// A request's model input in sequence order: runs of token ids and of embedding rows ([positions, hidden],
/// row-major, e.g. a sensor patch encoder's output), plus the metadata the results carry. Token ids alone run as a
/// token prefill; any embeddings make the gateway embed the ids through the model's embedding segment and prefill
/// all rows at once. Raw sensor values are never part of a request.
/// </summary>
public sealed class GatewayRequest
{
    private readonly List<GatewayInputPart> _parts = [];

    /// <summary>The input runs in order.</summary>
    public IReadOnlyList<GatewayInputPart> Parts => _parts;

    /// <summary>Model positions of the whole input.</summary>
    public int Positions { get; private set; }

    /// <summary>True when some run is embeddings.</summary>
    public bool HasEmbeddings => _parts.Any(p => p.Embeddings is not null);

    /// <summary>The sensor windows the request was made from (carried to the results), if any.</summary>
    public RequestWindow? Window { get; init; }

    /// <summary>The id the request's sender gave it (1–64 of <c>[A-Za-z0-9._-]</c>), echoed in every result; null for none.</summary>
    public string? Id { get; init; }

    /// <summary>A request from token ids.</summary>
    public static GatewayRequest FromTokens(IReadOnlyList<long> ids, RequestWindow? window = null) =>
        new GatewayRequest { Window = window }.AddTokens(ids);

    /// <summary>A request from embeddings [<paramref name="positions"/>, hidden], after optional prompt ids.</summary>
    public static GatewayRequest FromEmbeddings(float[] embeddings, int positions, IReadOnlyList<long>? promptIds = null, RequestWindow? window = null)
    {
        var request = new GatewayRequest { Window = window };
        if (promptIds is { Count: > 0 })
        {
            request.AddTokens(promptIds);
        }

        return request.AddEmbeddings(embeddings, positions);
    }

    /// <summary>Appends token ids.</summary>
    public GatewayRequest AddTokens(IReadOnlyList<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            throw new ArgumentException("A run of token ids is not empty.", nameof(ids));
        }

        _parts.Add(new GatewayInputPart([.. ids], null, ids.Count));
        Positions += ids.Count;
        return this;
    }

    /// <summary>Appends <paramref name="positions"/> embedding rows (row-major; the request keeps the array).</summary>
    public GatewayRequest AddEmbeddings(float[] embeddings, int positions)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        if (embeddings.Length == 0 || embeddings.Length % positions != 0)
        {
            throw new ArgumentException(embeddings.Length + " values are not " + positions + " rows.", nameof(embeddings));
        }

        _parts.Add(new GatewayInputPart(null, embeddings, positions));
        Positions += positions;
        return this;
    }
}

/// <summary>One run of a request's input: token ids, or embedding rows.</summary>
public sealed record GatewayInputPart(long[]? Ids, float[]? Embeddings, int Positions);
