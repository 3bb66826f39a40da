namespace EdgeLam.Transport.Mqtt;

/// <summary>An open/closed gate tasks can await (connected / not connected).</summary>
internal sealed class AsyncGate
{
    private readonly Lock sync = new();
    private TaskCompletionSource opened = NewSource();

    public bool IsOpen
    {
        get
        {
            lock (sync)
            {
                return opened.Task.IsCompleted;
            }
        }
    }

    public void Open()
    {
        lock (sync)
        {
            opened.TrySetResult();
        }
    }

    public void Close()
    {
        lock (sync)
        {
            if (opened.Task.IsCompleted)
            {
                opened = NewSource();
            }
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (sync)
        {
            return opened.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
