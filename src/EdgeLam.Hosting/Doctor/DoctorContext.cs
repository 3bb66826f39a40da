using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Doctor;

/// <summary>What the checks look at; every location is overridable so tests use scratch folders.</summary>
public sealed class DoctorContext
{
    public required EdgeLamSettings Settings { get; init; }

    /// <summary>Where the executable and libonnxruntime.so.1 live (AppContext.BaseDirectory).</summary>
    public required string ApplicationDirectory { get; init; }

    /// <summary>The repository's <c>native/onnxruntime</c> for development checkouts (holds VERSION), if any.</summary>
    public string? DevelopmentOnnxRuntimeDirectory { get; init; }

    public string DeviceDirectory { get; init; } = "/dev";

    public TimeSpan BrokerTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>A TLS certificate that expires within this time is a warning (the certificate check of <c>edgelam doctor</c>).</summary>
    public TimeSpan CertificateWarning { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Runs <c>timedatectl show -p NTPSynchronized --value</c>; null when it cannot run.</summary>
    public Func<string?> NtpSynchronized { get; init; } = ClockCheck.QueryTimedatectl;
}
