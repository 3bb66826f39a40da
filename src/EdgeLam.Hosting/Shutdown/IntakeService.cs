using Microsoft.Extensions.Hosting;

namespace EdgeLam.Hosting.Shutdown;

/// <summary>
/// A hosted service that takes new work (requests, sensor windows) until the node drains: <see cref="DrainAsync"/>
/// cancels <see cref="Intake"/>, so no new work is taken, and waits for <see cref="BackgroundService.ExecuteTask"/> up
/// to the drain deadline; work already running finishes under the node's own drain.
/// </summary>
public abstract class IntakeService : BackgroundService, IDrainable
{
    private readonly CancellationTokenSource _intake = new();

    public abstract string Name { get; }

    /// <summary>Cancelled when the node drains: stop taking new work.</summary>
    protected CancellationToken Intake => _intake.Token;

    public async Task DrainAsync(CancellationToken deadline)
    {
        await _intake.CancelAsync().ConfigureAwait(false);
        if (ExecuteTask is { } running)
        {
            try
            {
                await running.WaitAsync(deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public override void Dispose()
    {
        _intake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
