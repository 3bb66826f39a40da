namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// A configuration section owned by another component (<c>Onnx</c>: OnnxRuntimeOptions, <c>Sensors</c>:
/// SensorsOptions, …): binds it once into the options that component consumes, reporting every problem into the
/// shared reader, so <c>edgelam run</c> prints every problem of every section before exiting with 78. The bound
/// options are kept in <see cref="EdgeLamSettings"/> (<see cref="EdgeLamSettings.Section{T}"/>); SIGHUP binds a new
/// <see cref="EdgeLamSettings"/> the same way.
/// </summary>
public interface IConfigSectionBinder
{
    /// <summary>The top-level section this binder owns.</summary>
    string Section { get; }

    /// <summary>
    /// Binds the section; problems go to <paramref name="reader"/>. <paramref name="settings"/> holds the daemon's own
    /// sections, already bound (their problems are reported by them, not again here).
    /// </summary>
    object Bind(ConfigReader reader, EdgeLamSettings settings);
}
