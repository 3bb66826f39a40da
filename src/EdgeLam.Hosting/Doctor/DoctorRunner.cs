namespace EdgeLam.Hosting.Doctor;

/// <summary>Runs every check in a fixed order.</summary>
public static class DoctorRunner
{
    public static async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken = default)
    {
        var findings = new List<DoctorFinding>();
        findings.AddRange(NativeLibraryCheck.OnnxRuntime(context));
        findings.AddRange(NativeLibraryCheck.Mosquitto());
        findings.AddRange(await BrokerCheck.RunAsync(context, cancellationToken).ConfigureAwait(false));
        findings.AddRange(ModelManifestCheck.Run(context));
        findings.AddRange(DeviceNodeCheck.Run(context));
        findings.AddRange(ClockCheck.Run(context));
        return findings;
    }
}
