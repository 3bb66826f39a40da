using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Metrics;

/// <summary>
/// A minimal HTTP/1.x responder on 127.0.0.1:<c>Metrics:Port</c> answering only <c>GET /metrics</c> (404 for
/// other paths, 405 for other methods), one request per connection. Started, stopped or moved when a reload
/// changes <c>Metrics:Enabled</c> or <c>Metrics:Port</c>. A port that cannot be bound is logged, not fatal.
/// </summary>
public sealed class PrometheusEndpoint(
    MetricsCollector collector,
    SettingsStore settings,
    ILogger<PrometheusEndpoint> logger) : IHostedService, IDisposable
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _acceptLoop;

    /// <summary>The bound port while serving (differs from the configured one only when that is 0 in tests).</summary>
    public int? BoundPort { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        settings.Changed += OnSettingsChanged;
        await ApplyAsync(settings.Current.Metrics).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        settings.Changed -= OnSettingsChanged;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopListenerAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void OnSettingsChanged(EdgeLamSettings previous, EdgeLamSettings next)
    {
        if (previous.Metrics.Enabled != next.Metrics.Enabled || previous.Metrics.Port != next.Metrics.Port)
        {
            _ = ApplyAsync(next.Metrics);
        }
    }

    private async Task ApplyAsync(MetricsOptions options)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopListenerAsync().ConfigureAwait(false);
            if (!options.Enabled)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, options.Port);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                listener.Dispose();
                HostingLog.MetricsBindFailed(logger, options.Port, e);
                return;
            }

            _listener = listener;
            BoundPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            _stop = new CancellationTokenSource();
            _acceptLoop = AcceptLoopAsync(listener, _stop.Token);
            HostingLog.MetricsListening(logger, BoundPort.Value);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopListenerAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener.Dispose();
        try
        {
            await _acceptLoop!.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _listener = null;
        _stop = null;
        _acceptLoop = null;
        BoundPort = null;
        HostingLog.MetricsStopped(logger);
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(RequestTimeout);
                try
                {
                    await ServeAsync(client.GetStream(), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    HostingLog.MetricsRequestFailed(logger, e);
                }
            }
        }
    }

    /// <summary>Reads one request head from <paramref name="stream"/> and writes the response.</summary>
    internal async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            length += n;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var requestLine = head.Split("\r\n", 2)[0].Split(' ');
        var (status, body, extra) = requestLine switch
        {
            [var method, var target, var version] when version.StartsWith("HTTP/1.", StringComparison.Ordinal) =>
                method != "GET" ? ("405 Method Not Allowed", "only GET is supported\n", "Allow: GET\r\n")
                : target.Split('?')[0] != "/metrics" ? ("404 Not Found", "only /metrics is served\n", "")
                : ("200 OK", PrometheusTextWriter.Write(collector.Collect()), ""),
            _ => ("400 Bad Request", "malformed request\n", ""),
        };
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var contentType = status.StartsWith("200", StringComparison.Ordinal) ? PrometheusTextWriter.ContentType : "text/plain; charset=utf-8";
        var response = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bodyBytes.Length}\r\n{extra}Connection: close\r\n\r\n");
        await stream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bodyBytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _stop?.Dispose();
        _gate.Dispose();
    }
}
