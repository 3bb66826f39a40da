using EdgeLam.Core.Native;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Gateway.Hosting;

/// <summary>Loads ONNX Runtime through the binding with the configured <c>Onnx</c> options and reports what the
/// library itself says: where it was found, its version, and its execution providers.</summary>
internal static class OnnxRuntimeDoctorCheck
{
    public static IEnumerable<DoctorFinding> Run(DoctorContext context, OnnxRuntimeOptions options)
    {
        const string check = "onnxruntime";
        OnnxRuntime runtime;
        try
        {
            runtime = OnnxRuntime.Create(options);
        }
        catch (NativeLibraryLoadException e)
        {
            return [DoctorFinding.Problem(check, e.Message, "reinstall the edgelam package (it ships libonnxruntime.so.1), run ./build.sh setup in a checkout, or correct Onnx:LibraryPath")];
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OrtException)
        {
            return [DoctorFinding.Problem(check, e.Message, $"install ONNX Runtime {NativeLibraryCheck.ExpectedOnnxRuntimeVersion} (the package's own copy) or correct the Onnx section")];
        }

        using (runtime)
        {
            var findings = new List<DoctorFinding>
            {
                runtime.Version == NativeLibraryCheck.ExpectedOnnxRuntimeVersion
                    ? DoctorFinding.Ok(check, $"{runtime.LibraryPath} ({runtime.LibrarySource}), version {runtime.Version}")
                    : DoctorFinding.Problem(check, $"{runtime.LibraryPath} is version {runtime.Version}, EdgeLam is built against {NativeLibraryCheck.ExpectedOnnxRuntimeVersion}",
                        "reinstall the edgelam package (it ships its own ONNX Runtime) or unset Onnx:LibraryPath"),
                DoctorFinding.Info("providers", "available: " + string.Join(", ", runtime.AvailableProviders)),
            };
            foreach (var requested in options.Providers)
            {
                var name = ExecutionProvider.Normalize(requested);
                if (name is not null && !runtime.AvailableProviders.Contains(name))
                {
                    findings.Add(DoctorFinding.Warning("providers", $"Onnx:Providers asks for {requested}, which this build lacks; sessions fall back to CPU",
                        "remove it from Onnx:Providers, or install an ONNX Runtime build with that provider"));
                }
            }

            return findings;
        }
    }

}
