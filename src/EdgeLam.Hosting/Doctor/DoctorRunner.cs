namespace EdgeLam.Hosting.Doctor;

/// <summary>Runs every check in a fixed order.</summary>
public static class DoctorRunner
{
    /// <param name="context">What to check.</param>
    /// <param name="onnxRuntime">The ONNX Runtime check through the binding (version and providers as the library
    /// reports them); null falls back to <see cref="NativeLibraryCheck.OnnxRuntime"/> (file, loadability, VERSION file).</param>
    /// <param name="cancellationToken">Cancels the network checks.</param>
    public static async Task<IReadOnlyList<DoctorFinding>> RunAsync(
        DoctorContext context,
        Func<DoctorContext, IEnumerable<DoctorFinding>>? onnxRuntime = null,
        CancellationToken cancellationToken = default)
    {
        var findings = new List<DoctorFinding>();
        findings.AddRange((onnxRuntime ?? NativeLibraryCheck.OnnxRuntime)(context));
        findings.AddRange(NativeLibraryCheck.Mosquitto());
        findings.AddRange(await BrokerCheck.RunAsync(context, cancellationToken).ConfigureAwait(false));
        findings.AddRange(CertificateCheck.Run(context));
        findings.AddRange(ModelManifestCheck.Run(context));
        findings.AddRange(DeviceNodeCheck.Run(context));
        findings.AddRange(ClockCheck.Run(context));
        return findings;
    }
}
