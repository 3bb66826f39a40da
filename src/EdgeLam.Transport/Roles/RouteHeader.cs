using System.Globalization;
using System.Text;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The MQTT 5 user properties an activation message carries besides the frame: the gateway to answer, the route the
/// session took so far (boundary → node holding its KV cache), the stage timings so far, and the send time.
/// </summary>
internal static class RouteHeader
{
    public const string Gateway = "edgelam-gateway";
    public const string Route = "edgelam-route";
    public const string Timings = "edgelam-timings";
    public const string SentAt = "edgelam-sent-us";
    public const string Wire = "edgelam-wire-us";

    /// <summary>Positions the step adds (the prompt length for a prefill, 1 for a decode step).</summary>
    public const string Positions = "edgelam-positions";
    public const string StepStart = "edgelam-step-start-us";
    public const string Limit = "edgelam-max-new-tokens";
    public const string Stop = "edgelam-stop-tokens";

    /// <summary>The request's sensor window metadata (<see cref="RequestWindow"/> as compact JSON), when it came from sensors.</summary>
    public const string Window = "edgelam-window";

    /// <summary>Parses "0=peer-a;1=peer-b".</summary>
    public static Dictionary<string, string> ParseRoute(string? value)
    {
        var route = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(value))
        {
            return route;
        }

        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && eq < part.Length - 1 && Topics.TopicScheme.IsValidName(part[(eq + 1)..]))
            {
                route[part[..eq]] = part[(eq + 1)..];
            }
        }

        return route;
    }

    public static string FormatRoute(IReadOnlyDictionary<string, string> route)
    {
        var sb = new StringBuilder();
        foreach (var (boundary, node) in route.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sb.Append(boundary).Append('=').Append(node).Append(';');
        }

        return sb.ToString();
    }

    public static string? Find(IReadOnlyList<MqttUserProperty>? properties, string name)
    {
        if (properties is null)
        {
            return null;
        }

        foreach (var p in properties)
        {
            if (p.Name == name)
            {
                return p.Value;
            }
        }

        return null;
    }

    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static string FormatUs(long us) => us.ToString(CultureInfo.InvariantCulture);

    public static long ParseUs(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
