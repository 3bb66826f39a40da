using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The running node, for other components of <c>edgelam run</c> (singleton in DI). This is the seam a request source
/// (the sensor window pump) uses: <c>await handle.Started</c>, then send each request through
/// <c>GenerateAsync</c> (e.g. <c>pump.RunAsync(handle.Gateway!, sensors, (r, ct) =&gt; handle.GenerateAsync(r,
/// options.MaxNewTokens, options.StopTokens, ct), ct)</c>) — it counts the request for the status summary, refuses new work once SIGTERM
/// started the drain, and lets the drain wait for requests in flight (and cancel them at the drain deadline).
/// </summary>
internal sealed class NodeHandle
{
    private readonly TaskCompletionSource<RoleHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RoleHost> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource? _idle;
    private int _inFlight;
    private bool _draining;
    private long _requests;
    private long _failed;

    /// <summary>
    /// Completes with the node once it is connected and serving; cancelled if the daemon stops first. Never completes
    /// while no model is configured (the daemon waits for one).
    /// </summary>
    public Task<RoleHost> Started => _started.Task;

    /// <summary>
    /// Completes with the node once its stage is open, before the broker connection (a gateway's sensor requests start
    /// here and are queued while the node does not serve); cancelled if the daemon stops first.
    /// </summary>
    public Task<RoleHost> Loaded => _loaded.Task;

    /// <summary>The node, once started.</summary>
    public RoleHost? Node => _started.Task.IsCompletedSuccessfully ? _started.Task.Result : null;

    /// <summary>The gateway stage, when this node runs segment 0.</summary>
    public GatewayRole? Gateway => Node?.Gateway;

    /// <summary>The peer stage, when this node runs later segments.</summary>
    public PeerRole? Peer => Node?.Peer;

    /// <summary>False once the drain began: new requests are refused.</summary>
    public bool IsAcceptingWork
    {
        get
        {
            lock (_gate)
            {
                return !_draining && Gateway is not null;
            }
        }
    }

    /// <summary>Requests finished through <c>GenerateAsync</c>.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that failed (no stage answered, cancelled by the drain).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Raised after each finished request (the status publisher records its step latencies).</summary>
    public event Action<GatewayGeneration>? Completed;

    /// <summary>Runs one request of token ids on the gateway stage (see <c>GatewayRole.GenerateAsync</c>).</summary>
    /// <exception cref="NodeUnavailableException">The node is not a started gateway, or it is draining.</exception>
    /// <exception cref="EdgeLam.Inference.InferenceException">No stage answered a step after every attempt.</exception>
    public Task<GatewayGeneration> GenerateAsync(IReadOnlyList<long> prompt, int maxNewTokens, IReadOnlyCollection<long>? stopTokens = null, CancellationToken cancellationToken = default) =>
        RunAsync((gateway, ct) => gateway.GenerateAsync(prompt, maxNewTokens, stopTokens, ct), cancellationToken);

    /// <summary>
    /// Runs one request (token ids and/or embedding rows with window metadata) on the gateway stage — the
    /// <c>send</c> seam of <c>SensorRequestPump.RunAsync(gateway, sensors, send, ct)</c>.
    /// </summary>
    /// <exception cref="NodeUnavailableException">The node is not a started gateway, or it is draining.</exception>
    /// <exception cref="EdgeLam.Inference.InferenceException">No stage answered a step after every attempt.</exception>
    public Task<GatewayGeneration> GenerateAsync(GatewayRequest request, int maxNewTokens, IReadOnlyCollection<long>? stopTokens = null, CancellationToken cancellationToken = default) =>
        RunAsync((gateway, ct) => gateway.GenerateAsync(request, maxNewTokens, stopTokens, ct), cancellationToken);

    private async Task<GatewayGeneration> RunAsync(Func<GatewayRole, CancellationToken, Task<GatewayGeneration>> generate, CancellationToken cancellationToken)
    {
        GatewayRole gateway;
        lock (_gate)
        {
            if (_draining)
            {
                throw new NodeUnavailableException("The node is stopping; it takes no new requests.");
            }

            gateway = Gateway ?? throw new NodeUnavailableException(Node is null ? "The node has not started (see STATUS)." : "This node is a peer; requests go to a gateway.");
            _inFlight++;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandon.Token);
        try
        {
            var generation = await generate(gateway, linked.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _requests);
            Completed?.Invoke(generation);
            return generation;
        }
        catch
        {
            Interlocked.Increment(ref _failed);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                if (--_inFlight == 0)
                {
                    _idle?.TrySetResult();
                }
            }
        }
    }

    /// <summary>Set once the daemon began stopping: the stage's loop ending is then expected, not a failure.</summary>
    internal bool IsStopping { get; private set; }

    /// <summary>The node's ONNX Runtime (for request sources that run models of their own, e.g. the patch encoder).</summary>
    public EdgeLam.Onnx.Interop.OnnxRuntime? Runtime { get; private set; }

    internal void SetStarted(RoleHost node, EdgeLam.Onnx.Interop.OnnxRuntime? runtime = null)
    {
        SetLoaded(node, runtime);
        _started.TrySetResult(node);
    }

    internal void SetLoaded(RoleHost node, EdgeLam.Onnx.Interop.OnnxRuntime? runtime = null)
    {
        Runtime ??= runtime;
        _loaded.TrySetResult(node);
    }

    internal void SetStopping()
    {
        IsStopping = true;
        _started.TrySetCanceled();
        _loaded.TrySetCanceled();
    }

    /// <summary>Refuses new requests and waits for those in flight; at <paramref name="deadline"/> cancels what is left.</summary>
    internal async Task DrainAsync(CancellationToken deadline)
    {
        Task idle;
        IsStopping = true;
        lock (_gate)
        {
            _draining = true;
            if (_inFlight == 0)
            {
                return;
            }

            _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Deadline: cancel what is left; each request fails with OperationCanceledException to its caller.
            await _abandon.CancelAsync().ConfigureAwait(false);
            try
            {
                await idle.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }
}

/// <summary>The node cannot take a request now (not started, a peer, or stopping).</summary>
internal sealed class NodeUnavailableException : InvalidOperationException
{
    public NodeUnavailableException()
    {
    }

    public NodeUnavailableException(string message)
        : base(message)
    {
    }

    public NodeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
