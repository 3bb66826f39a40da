namespace EdgeLam.Hosting.Shutdown;

/// <summary>
/// A component with work in flight. On SIGTERM, before any hosted service stops, every drainable is asked — all
/// at once — to stop taking new work, finish or hand back what it holds, and flush what must be published.
/// <paramref name="deadline"/> fires after <c>Shutdown:DrainTimeout</c>: then hand back whatever is left and
/// return promptly. Disconnecting belongs in the component's own <c>StopAsync</c>, which runs afterwards.
/// </summary>
public interface IDrainable
{
    string Name { get; }

    Task DrainAsync(CancellationToken deadline);
}
