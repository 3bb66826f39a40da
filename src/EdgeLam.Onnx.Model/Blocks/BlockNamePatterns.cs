using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>
/// Name conventions exporters use for transformer blocks: node scopes (<c>/model/layers.N/</c>, <c>/transformer/h.N/</c>,
/// <c>encoder/layer_._N/</c>), weight names (<c>h.N.</c>, <c>encoder.layer.N.</c>, <c>transformer.layer.N.</c>,
/// <c>model.layers.N.</c>, <c>block.N.</c>) and KV-cache inputs/outputs (<c>past_key_values.N.key</c>, <c>past_N</c>,
/// <c>present.N.value</c>, <c>present_N</c>, <c>key_cache.N</c>, <c>updated_key_cache.N</c>).
/// </summary>
public static partial class BlockNamePatterns
{
    /// <summary>Block index named in a node or initializer name, or null.</summary>
    public static int? BlockIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var m = ScopePattern().Match(name);
        if (!m.Success)
        {
            m = KerasPattern().Match(name);
        }

        return m.Success && int.TryParse(m.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    /// <summary>Block index of a KV-cache graph input or output name, or null when the name is not a KV-cache name.</summary>
    public static int? KvIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var m = KvPattern().Match(name);
        return m.Success && int.TryParse(m.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    /// <summary>True for names of KV-cache tensors (inputs or outputs).</summary>
    public static bool IsKvName(string name) => KvIndex(name) is not null;

    // layers.3 / layer.3 / layers_3 / h.3 / block.3 / blocks.3 / decoder_layer.3, bounded by '/', '.', '_' or the ends.
    [GeneratedRegex(@"(?:^|[/._:])(?:layers?|h|blocks?|decoder_layers?|encoder_layers?)[._](?<n>\d+)(?=$|[/._:])", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();

    // keras2onnx / TF: encoder/layer_._3/...
    [GeneratedRegex(@"layer_\._(?<n>\d+)(?=$|[/._:])", RegexOptions.CultureInvariant)]
    private static partial Regex KerasPattern();

    [GeneratedRegex(
        @"^(?:past_key_values|present_key_values|past_key_value|present|past|key_cache|value_cache|updated_key_cache|updated_value_cache|past_key|past_value|present_key|present_value|cache_key|cache_value|kv_cache)[._](?<n>\d+)(?:$|[._])",
        RegexOptions.CultureInvariant)]
    private static partial Regex KvPattern();
}
