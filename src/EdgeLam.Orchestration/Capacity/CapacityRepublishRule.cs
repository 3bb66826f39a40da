namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// When a node republishes its retained capacity early (pure; <c>now</c> is an argument): its measured decode cost
/// changed by more than a fraction since the last publication, and the last publication is at least a minimum
/// interval old. The periodic publication (<c>Metrics:StatusInterval</c>) is the caller's.
/// </summary>
/// <param name="change">Relative change that counts (0.2 = 20%).</param>
/// <param name="minInterval">Shortest time between two publications.</param>
public sealed class CapacityRepublishRule(double change, TimeSpan minInterval)
{
    private double? _published;
    private TimeSpan? _at;

    /// <summary>True when <paramref name="decodeMsPerUnit"/> differs enough from the published figure and the rate limit allows.</summary>
    public bool Due(double? decodeMsPerUnit, TimeSpan now)
    {
        if (decodeMsPerUnit is not { } current || _at is { } at && now - at < minInterval)
        {
            return false;
        }

        return _published is not { } published || published <= 0
            ? _published is null
            : Math.Abs(current - published) / published > change;
    }

    /// <summary>Notes a publication (early or periodic) of <paramref name="decodeMsPerUnit"/>.</summary>
    public void Published(double? decodeMsPerUnit, TimeSpan now)
    {
        _published = decodeMsPerUnit;
        _at = now;
    }
}
