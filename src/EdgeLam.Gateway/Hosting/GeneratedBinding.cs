using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// A section bound by the configuration binder source generator: runs the binding (the typed call stays at its site,
/// so the generator intercepts it), turns a value it cannot convert into a <see cref="ConfigProblem"/> of that section,
/// and passes the options type's validator's problems on.
/// </summary>
internal static class GeneratedBinding
{
    /// <summary>The bound options, or fresh defaults when a value has the wrong type; every problem goes to <paramref name="reader"/>.</summary>
    public static T Bind<T>(ConfigReader reader, string section, Action<T> bind, Func<T, IEnumerable<ConfigProblem>> validate)
        where T : new()
    {
        var options = new T();
        try
        {
            bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The generated binder names the key: "Failed to convert configuration value at 'Sensors:Seed' to type 'System.Int32'."
            reader.Problem(section, null, "must hold values of the right types (" + e.Message + ")");
            return new T();
        }

        foreach (var problem in validate(options))
        {
            reader.Problem(problem);
        }

        return options;
    }
}
