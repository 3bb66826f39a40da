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
internal sealed class SensingSectionValidator : IConfigSectionValidator
{
    public string Section => SensorRequestOptions.SectionName;

    public void Validate(ConfigReader reader)
    {
        SensorRequestOptions options;
        try
        {
            options = Bind(reader.Configuration);
        }
        catch (InvalidOperationException e)
        {
            // The generated binder names the key: "Failed to convert configuration value at 'Sensing:MaxNewTokens' …".
            reader.Problem(ConfigProblem.Preformatted(SensorRequestOptions.SectionName, e.Message));
            return;
        }

        var streams = reader.Configuration.GetSection(SensorsOptions.SectionName + ":Streams").GetChildren().Select(c => c.Key).ToList();
        foreach (var problem in options.Validate(streams.Count > 0 ? streams : null))
        {
            reader.Problem(ConfigProblem.Preformatted(problem.Split(' ')[0], problem));
        }
    }

    public static SensorRequestOptions Bind(IConfiguration configuration)
    {
        var options = new SensorRequestOptions();
        configuration.GetSection(SensorRequestOptions.SectionName).Bind(options);
        return options;
    }
}
