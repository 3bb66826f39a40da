using System.Text;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// Turns received UTF-8 topics into strings without allocating for topics seen recently (a small round-robin table;
/// one reader thread only).
/// </summary>
internal sealed class TopicStringCache
{
    private readonly byte[][] keys;
    private readonly string[] values;
    private int next;

    public TopicStringCache(int size = 32)
    {
        keys = new byte[size][];
        values = new string[size];
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } k && utf8.SequenceEqual(k))
            {
                return values[i];
            }
        }

        var value = Encoding.UTF8.GetString(utf8);
        keys[next] = utf8.ToArray();
        values[next] = value;
        next = (next + 1) % keys.Length;
        return value;
    }
}
