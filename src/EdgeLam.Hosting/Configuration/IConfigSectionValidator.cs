namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// The seam through which sections owned by other components (<c>Onnx</c>: OnnxRuntimeOptions, <c>Sensors</c>:
/// SensorsOptions, …) take part in start-up validation: each reports its problems into the shared reader, so
/// <c>edgelam run</c> prints every problem of every section before exiting with 78.
/// </summary>
public interface IConfigSectionValidator
{
    /// <summary>The top-level section this validator owns.</summary>
    string Section { get; }

    void Validate(ConfigReader reader);
}
