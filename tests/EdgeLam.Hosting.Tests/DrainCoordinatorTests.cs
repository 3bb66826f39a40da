using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Hosting.Tests;

public class DrainCoordinatorTests
{
    private sealed class Drainable(string name, Func<CancellationToken, Task> drain) : IDrainable
    {
        public string Name => name;

        public Task DrainAsync(CancellationToken deadline) => drain(deadline);
    }

    private static DrainCoordinator Coordinator(ServiceStatus status, params IDrainable[] drainables) => new(
        drainables,
        new SettingsStore(Settings.Valid(("Shutdown:DrainTimeout", "200ms"))),
        status,
        NullLogger<DrainCoordinator>.Instance);

    [Fact]
    public async Task StoppingAsync_DrainsAll_EvenWhenOneThrowsAndOneNeverFinishes()
    {
        var finished = false;
        var sawDeadline = false;
        var status = new ServiceStatus();
        var coordinator = Coordinator(
            status,
            new Drainable("quick", async _ => { await Task.Yield(); finished = true; }),
            new Drainable("throws", _ => throw new InvalidOperationException("x")),
            new Drainable("slow", async deadline =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, deadline);
                }
                catch (OperationCanceledException)
                {
                    sawDeadline = true;
                    throw;
                }
            }));

        await coordinator.StoppingAsync(CancellationToken.None);

        Assert.True(finished);
        Assert.True(sawDeadline);
        Assert.Equal("stopping", status.Line);
    }

    [Fact]
    public async Task StoppingAsync_ComponentIgnoringTheDeadline_IsAbandoned()
    {
        var never = new TaskCompletionSource();
        var coordinator = Coordinator(new ServiceStatus(), new Drainable("stuck", _ => never.Task));

        // Completes although the drainable never does: WaitAsync bounds it at DrainTimeout + 1 s.
        await coordinator.StoppingAsync(CancellationToken.None);

        Assert.False(never.Task.IsCompleted);
    }
}
