namespace EdgeLam.Hosting.Doctor;

/// <summary>Runs every check in a fixed order.</summary>
public static class DoctorRunner
{
    /// <param name="context">What to check.</param>
    /// <param name="onnxRuntime">The ONNX Runtime check through the binding (version and providers as the library
    /// reports them); null falls back to <see cref="NativeLibraryCheck.OnnxRuntime"/> (file, loadability, VERSION file).</param>
    /// <param name="broker">The checks of the MQTT connection (reachability, credentials, TLS files and certificate
    /// expiry) on the options the client was bound into; null skips them.</param>
    /// <param name="cancellationToken">Cancels the network checks.</param>
    public static async Task<IReadOnlyList<DoctorFinding>> RunAsync(
        DoctorContext context,
        Func<DoctorContext, IEnumerable<DoctorFinding>>? onnxRuntime = null,
        Func<DoctorContext, CancellationToken, Task<IReadOnlyList<DoctorFinding>>>? broker = null,
        CancellationToken cancellationToken = default)
    {
        var findings = new List<DoctorFinding>();
        findings.AddRange((onnxRuntime ?? NativeLibraryCheck.OnnxRuntime)(context));
        findings.AddRange(NativeLibraryCheck.Mosquitto());
        if (broker is not null)
        {
            findings.AddRange(await broker(context, cancellationToken).ConfigureAwait(false));
        }

        findings.AddRange(ModelManifestCheck.Run(context));
        findings.AddRange(DeviceNodeCheck.Run(context));
        findings.AddRange(ClockCheck.Run(context));
        return findings;
    }
}
