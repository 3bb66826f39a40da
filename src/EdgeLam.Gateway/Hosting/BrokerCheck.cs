using System.Net.Sockets;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Hosting;

/// <summary>TCP reachability of Mqtt:Host:Port and the presence and permissions of credential and TLS files.</summary>
internal static class BrokerCheck
{
    public static async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, MqttClientOptions mqtt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(mqtt);
        var findings = new List<DoctorFinding> { await ReachableAsync(mqtt, context.BrokerTimeout, cancellationToken).ConfigureAwait(false) };
        findings.AddRange(Credentials(mqtt));
        return findings;
    }

    private static async Task<DoctorFinding> ReachableAsync(MqttClientOptions mqtt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string check = "broker";
        var target = $"{mqtt.Host}:{mqtt.Port}";
        using var client = new TcpClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(mqtt.Host, mqtt.Port, cts.Token).ConfigureAwait(false);
            return DoctorFinding.Ok(check, $"{target} accepts TCP connections");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorFinding.Problem(check, $"{target} did not answer within {timeout.TotalSeconds:0} s",
                "check the network path and firewall to the broker, or Mqtt:Host/Mqtt:Port in /etc/edgelam/edgelam.json");
        }
        catch (SocketException e)
        {
            var fix = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"start the broker (systemctl start mosquitto) or set Mqtt:Port to the port it listens on",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "set Mqtt:Host to a resolvable name or an IP address",
                _ => "check the network path to the broker",
            };
            return DoctorFinding.Problem(check, $"{target}: {e.SocketErrorCode} ({e.Message})", fix);
        }
    }

    private static IEnumerable<DoctorFinding> Credentials(MqttClientOptions mqtt)
    {
        const string check = "credentials";
        if (mqtt.Username is null)
        {
            yield return DoctorFinding.Info(check, "no Mqtt:Username: connecting anonymously (set one for any broker reachable from a network)");
        }
        else if (mqtt.PasswordFile is { } file)
        {
            if (!File.Exists(file))
            {
                yield return DoctorFinding.Problem(check, $"Mqtt:PasswordFile {file} does not exist", $"create it (install -m 0640 -o root -g edgelam /dev/stdin {file})");
            }
            else if (!CanRead(file))
            {
                yield return DoctorFinding.Problem(check, $"Mqtt:PasswordFile {file} is not readable by this user", $"chgrp edgelam {file} && chmod 0640 {file}");
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.OtherRead) != 0)
            {
                yield return DoctorFinding.Warning(check, $"Mqtt:PasswordFile {file} is world-readable", $"chmod o-r {file}");
            }
            else
            {
                yield return DoctorFinding.Ok(check, $"user {mqtt.Username}, password from {file}");
            }
        }
        else if (mqtt.Password is not null)
        {
            yield return DoctorFinding.Warning(check, $"user {mqtt.Username} with an inline Mqtt:Password", "move the password to a file readable only by edgelam and set Mqtt:PasswordFile");
        }
        else
        {
            yield return DoctorFinding.Problem(check, $"Mqtt:Username {mqtt.Username} has no password", "set Mqtt:PasswordFile");
        }

        foreach (var (key, path) in new[] { ("Mqtt:Tls:CaFile", mqtt.Tls?.CaFile), ("Mqtt:Tls:CertFile", mqtt.Tls?.CertificateFile), ("Mqtt:Tls:KeyFile", mqtt.Tls?.KeyFile) })
        {
            if (path is null)
            {
                continue;
            }

            yield return !File.Exists(path) ? DoctorFinding.Problem("tls", $"{key} {path} does not exist", $"install the file or correct {key}")
                : !CanRead(path) ? DoctorFinding.Problem("tls", $"{key} {path} is not readable by this user", $"chgrp edgelam {path} && chmod 0640 {path}")
                : DoctorFinding.Ok("tls", $"{key} {path} readable");
        }
    }

    private static bool CanRead(string path)
    {
        try
        {
            using var _ = File.OpenRead(path);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
