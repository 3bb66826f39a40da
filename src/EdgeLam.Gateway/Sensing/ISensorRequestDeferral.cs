using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// Where <see cref="SensorRequestPump"/> puts requests it cannot send now (the offline gateway's queue while the broker
/// is unreachable; docs/offline.md). The pump asks <see cref="ShouldDefer"/> for every complete group and again when a
/// request fails; a deferred request is neither sent nor counted as failed.
/// </summary>
public interface ISensorRequestDeferral
{
    /// <summary>True while requests are to be deferred instead of sent (e.g. the broker is unreachable).</summary>
    bool ShouldDefer { get; }

    /// <summary>Takes <paramref name="request"/> (it has an id); false when it could not be kept (counted and logged by the deferral).</summary>
    bool Defer(GatewayRequest request);
}
