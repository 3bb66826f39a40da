using EdgeLam.Hosting.Configuration;
using EdgeLam.Sensors.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Sensors</c> (from the board profile and the operator's layers) into <see cref="SensorsOptions"/>
/// with the configuration binder source generator, and reports <see cref="SensorsOptionsValidator"/>'s problems.
/// </summary>
internal sealed class SensorsSectionBinder : IConfigSectionBinder
{
    public string Section => SensorsOptions.SectionName;

    public object Bind(ConfigReader reader, EdgeLamSettings settings)
    {
        var options = new SensorsOptions();
        try
        {
            reader.Configuration.GetSection(SensorsOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The generated binder names the key: "Failed to convert configuration value at 'Sensors:Seed' to type 'System.Int32'."
            reader.Problem(ConfigProblem.Preformatted(SensorsOptions.SectionName, e.Message));
            return new SensorsOptions();
        }

        foreach (var problem in SensorsOptionsValidator.Validate(options))
        {
            reader.Problem(ConfigProblem.Preformatted(problem.Split(' ')[0], problem));
        }

        return options;
    }
}
