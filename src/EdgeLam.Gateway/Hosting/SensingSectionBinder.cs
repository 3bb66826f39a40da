using EdgeLam.Gateway.Sensing;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Sensors.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Sensing</c> (how a gateway turns sensor windows into requests) into
/// <see cref="SensorRequestOptions"/> and reports its problems, including stream names that <c>Sensors:Streams</c>
/// does not define.
/// </summary>
internal sealed class SensingSectionBinder : IConfigSectionBinder
{
    public string Section => SensorRequestOptions.SectionName;

    public object Bind(ConfigReader reader, EdgeLamSettings settings)
    {
        var streams = reader.Configuration.GetSection(SensorsOptions.SectionName + ":Streams").GetChildren().Select(c => c.Key).ToList();
        return GeneratedBinding.Bind<SensorRequestOptions>(
            reader,
            Section,
            o => reader.Configuration.GetSection(SensorRequestOptions.SectionName).Bind(o),
            o => o.Validate(streams.Count > 0 ? streams : null));
    }
}
