using System.Diagnostics;

namespace EdgeLam.Hosting.Doctor;

/// <summary>A plausible wall clock (boards without an RTC boot in 1970) and NTP synchronisation.</summary>
public static class ClockCheck
{
    public const int MinimumYear = 2024;

    public static IEnumerable<DoctorFinding> Run(DoctorContext context)
    {
        var now = context.Time.GetUtcNow();
        yield return now.Year < MinimumYear
            ? DoctorFinding.Problem("clock", $"system time is {now:yyyy-MM-dd HH:mm} UTC (before {MinimumYear}): TLS certificates and timestamps will be wrong",
                "enable time synchronisation (timedatectl set-ntp true) or set the clock (date -s), and fit an RTC if the board has none")
            : DoctorFinding.Ok("clock", $"system time {now:yyyy-MM-dd HH:mm} UTC");

        var synced = context.NtpSynchronized();
        yield return synced switch
        {
            "yes" => DoctorFinding.Ok("ntp", "NTP synchronized"),
            "no" => DoctorFinding.Warning("ntp", "NTP not synchronized", "timedatectl set-ntp true (systemd-timesyncd) and allow UDP 123 to the time server"),
            _ => DoctorFinding.Info("ntp", "synchronisation unknown (timedatectl unavailable or systemd not running)"),
        };
    }

    public static string? QueryTimedatectl()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("timedatectl", "show -p NTPSynchronized --value")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(3000))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
