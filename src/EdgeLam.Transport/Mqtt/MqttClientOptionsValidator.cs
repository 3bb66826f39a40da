using Microsoft.Extensions.Options;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// Validates <see cref="MqttClientOptions"/> bound from configuration at start
/// (<c>services.AddOptions&lt;MqttClientOptions&gt;().BindConfiguration("Mqtt").ValidateOnStart()</c> plus this validator).
/// </summary>
public sealed class MqttClientOptionsValidator : IValidateOptions<MqttClientOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
