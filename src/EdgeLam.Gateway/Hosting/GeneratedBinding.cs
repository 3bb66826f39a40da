using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Runs a section's binding by the configuration binder source generator (the call itself stays at its site, typed,
/// so the generator intercepts it) and turns a value it cannot convert into a <see cref="ConfigProblem"/> of that section.
/// </summary>
internal static class GeneratedBinding
{
    /// <summary>Runs <paramref name="bind"/>; false (with the problem recorded in <paramref name="reader"/>) when a value has the wrong type.</summary>
    public static bool TryBind(ConfigReader reader, string section, Action bind)
    {
        try
        {
            bind();
            return true;
        }
        catch (InvalidOperationException e)
        {
            // The generated binder names the key: "Failed to convert configuration value at 'Sensors:Seed' to type 'System.Int32'."
            reader.Problem(section, null, "must hold values of the right types (" + e.Message + ")");
            return false;
        }
    }
}
