using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// The notifier when the process is not a systemd service (<see cref="SystemdHelpers.IsSystemdService"/> false:
/// the parent is not systemd): sends nothing, so STATUS and WATCHDOG never go out without READY.
/// </summary>
public sealed class SilentSystemdNotifier : ISystemdNotifier
{
    public bool IsEnabled => false;

    public void Notify(ServiceState state)
    {
    }
}
