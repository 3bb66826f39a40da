using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Offline;

/// <summary>What a record of the offline queue's segment files holds.</summary>
public enum OfflineRecordKind : byte
{
    /// <summary>A sensor request waiting for the broker (<see cref="OfflineWindow"/>).</summary>
    Window = 1,

    /// <summary>The window with this sequence number left the queue (<see cref="OfflineRemoval"/> says why).</summary>
    Removed = 2,

    /// <summary>One send of the window with this sequence number failed while the broker was up.</summary>
    Attempted = 3,
}

/// <summary>Why a window left the offline queue (the reason of a <see cref="OfflineRecordKind.Removed"/> record).</summary>
public enum OfflineRemoval : byte
{
    /// <summary>Its request ran; its results went to the subscribers.</summary>
    Delivered = 1,

    /// <summary>Older than <c>Offline:Ttl</c>.</summary>
    Expired = 2,

    /// <summary>The oldest window when <c>Offline:MaxWindows</c> was reached.</summary>
    CapWindows = 3,

    /// <summary>The oldest window when <c>Offline:MaxBytes</c> was reached.</summary>
    CapBytes = 4,

    /// <summary>Its sends failed <c>Offline:MaxAttempts</c> times while the broker was up.</summary>
    Attempts = 5,

    /// <summary>Its record no longer decodes (the disk changed it after it was written).</summary>
    Corrupt = 6,
}

/// <summary>
/// A deferred sensor request as the offline queue stores it: the request id, when it was made, the window metadata
/// (the compact JSON of <see cref="RequestWindow"/>) and the model input (token ids and embedding rows). Raw sensor
/// values are never part of it.
/// </summary>
/// <param name="Id">The request id (1–64 of <c>[A-Za-z0-9._-]</c>) its results carry.</param>
/// <param name="CreatedUnixMs">When the request was made, Unix-epoch milliseconds (for <c>Offline:Ttl</c>).</param>
/// <param name="Window">The window metadata's compact JSON, or null.</param>
/// <param name="Parts">The input runs in order.</param>
public sealed record OfflineWindow(string Id, long CreatedUnixMs, string? Window, IReadOnlyList<GatewayInputPart> Parts)
{
    /// <summary>The stored form of <paramref name="request"/> (it must have an id) made at <paramref name="createdUnixMs"/>.</summary>
    public static OfflineWindow From(GatewayRequest request, long createdUnixMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Id ?? throw new ArgumentException("A deferred request has an id.", nameof(request));
        return new OfflineWindow(id, createdUnixMs, request.Window?.Encode(), request.Parts);
    }

    /// <summary>The request again, with its id and window.</summary>
    /// <exception cref="InvalidDataException">The window metadata does not decode.</exception>
    public GatewayRequest ToRequest()
    {
        RequestWindow? window = null;
        if (Window is not null && !RequestWindow.TryDecode(Window, out window, out var problem))
        {
            throw new InvalidDataException("Queued request " + Id + ": " + problem);
        }

        var request = new GatewayRequest { Id = Id, Window = window };
        foreach (var part in Parts)
        {
            if (part.Embeddings is { } rows)
            {
                request.AddEmbeddings(rows, part.Positions);
            }
            else
            {
                request.AddTokens(part.Ids!);
            }
        }

        return request;
    }
}

/// <summary>One record of a segment file: a window, or a mark about the window with <paramref name="Sequence"/>.</summary>
public sealed record OfflineRecord(OfflineRecordKind Kind, ulong Sequence, OfflineWindow? Window = null, OfflineRemoval Reason = 0);
