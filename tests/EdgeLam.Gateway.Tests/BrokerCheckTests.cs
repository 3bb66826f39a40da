using System.Net;
using System.Net.Sockets;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam doctor</c>'s broker check on the bound <c>Mqtt</c> section.</summary>
public sealed class BrokerCheckTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<IReadOnlyList<DoctorFinding>> RunAsync(params (string Key, string? Value)[] config)
    {
        var settings = DaemonSettings.Valid(config);
        var context = new DoctorContext { Settings = settings, ApplicationDirectory = _dir.Path, BrokerTimeout = TimeSpan.FromSeconds(2) };
        return BrokerCheck.RunAsync(context, settings.Section<MqttClientOptions>(), CancellationToken.None);
    }

    [Fact]
    public async Task Broker_ListeningPort_IsOk_ClosedPort_IsProblemWithFix()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var ok = await RunAsync(("Mqtt:Host", "127.0.0.1"), ("Mqtt:Port", open.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var refused = await RunAsync(("Mqtt:Host", "127.0.0.1"), ("Mqtt:Port", closed.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(DoctorSeverity.Ok, ok[0].Severity);
        Assert.Equal(DoctorSeverity.Problem, refused[0].Severity);
        Assert.Contains("ConnectionRefused", refused[0].Message, StringComparison.Ordinal);
        Assert.NotNull(refused[0].Fix);
    }
}
