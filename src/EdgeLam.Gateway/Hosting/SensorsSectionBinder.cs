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

    public object Bind(ConfigReader reader, EdgeLamSettings settings) =>
        GeneratedBinding.Bind<SensorsOptions>(reader, Section, o => reader.Configuration.GetSection(SensorsOptions.SectionName).Bind(o), SensorsOptionsValidator.Validate);
}
