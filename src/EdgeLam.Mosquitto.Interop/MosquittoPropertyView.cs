using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>
/// A borrowed, read-only view of a <c>const mosquitto_property*</c> handed to a callback; valid only during that
/// callback. Values that libmosquitto copies out (strings, binary) are freed here right after use.
/// </summary>
public readonly unsafe ref struct MosquittoPropertyView
{
    private readonly nint list;

    internal MosquittoPropertyView(nint list)
    {
        this.list = list;
    }

    /// <summary>True when the packet carried no properties.</summary>
    public bool IsEmpty => list == nint.Zero;

    /// <summary>Reads a four-byte integer property (e.g. message expiry, session expiry).</summary>
    public bool TryGetInt32(MqttPropertyId id, out uint value)
    {
        uint v = 0;
        var found = list != nint.Zero && MosquittoNative.PropertyReadInt32(list, (int)id, &v, false) != nint.Zero;
        value = v;
        return found;
    }

    /// <summary>Reads a two-byte integer property (e.g. receive maximum).</summary>
    public bool TryGetInt16(MqttPropertyId id, out ushort value)
    {
        ushort v = 0;
        var found = list != nint.Zero && MosquittoNative.PropertyReadInt16(list, (int)id, &v, false) != nint.Zero;
        value = v;
        return found;
    }

    /// <summary>Reads a byte property (e.g. payload format indicator).</summary>
    public bool TryGetByte(MqttPropertyId id, out byte value)
    {
        byte v = 0;
        var found = list != nint.Zero && MosquittoNative.PropertyReadByte(list, (int)id, &v, false) != nint.Zero;
        value = v;
        return found;
    }

    /// <summary>Reads a UTF-8 string property (content type, response topic, reason string).</summary>
    public string? GetString(MqttPropertyId id)
    {
        if (list == nint.Zero)
        {
            return null;
        }

        byte* value = null;
        if (MosquittoNative.PropertyReadString(list, (int)id, &value, false) == nint.Zero || value is null)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8((nint)value);
        }
        finally
        {
            LibC.Free(value);
        }
    }

    /// <summary>Reads a binary property (correlation data) into a new array.</summary>
    public byte[]? GetBinary(MqttPropertyId id)
    {
        if (list == nint.Zero)
        {
            return null;
        }

        void* value = null;
        ushort length = 0;
        if (MosquittoNative.PropertyReadBinary(list, (int)id, &value, &length, false) == nint.Zero)
        {
            return null;
        }

        try
        {
            return value is null ? [] : new ReadOnlySpan<byte>(value, length).ToArray();
        }
        finally
        {
            LibC.Free(value);
        }
    }

    /// <summary>Appends every user property (name, value) in wire order to <paramref name="destination"/>.</summary>
    public int ReadUserProperties(ICollection<KeyValuePair<string, string>> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var count = 0;
        var skipFirst = false;
        var current = list;
        while (current != nint.Zero)
        {
            byte* name = null;
            byte* value = null;
            current = MosquittoNative.PropertyReadStringPair(current, (int)MqttPropertyId.UserProperty, &name, &value, skipFirst);
            if (current == nint.Zero)
            {
                break;
            }

            try
            {
                destination.Add(new(Utf8(name), Utf8(value)));
                count++;
            }
            finally
            {
                LibC.Free(name);
                LibC.Free(value);
            }

            skipFirst = true;
        }

        return count;
    }

    /// <summary>The identifiers present, in wire order.</summary>
    public int ReadIdentifiers(Span<MqttPropertyId> destination)
    {
        var count = 0;
        for (var p = list; p != nint.Zero && count < destination.Length; p = MosquittoNative.PropertyNext(p))
        {
            destination[count++] = (MqttPropertyId)MosquittoNative.PropertyIdentifier(p);
        }

        return count;
    }

    private static string Utf8(byte* value) =>
        value is null ? string.Empty : Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value));
}
