using System.Runtime.InteropServices;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>
/// Owns an outgoing <c>mosquitto_property*</c> list (built with <c>mosquitto_property_add_*</c>, released with
/// <c>mosquitto_property_free_all</c>). An empty list is a NULL pointer and is valid to pass.
/// </summary>
public sealed unsafe class MosquittoPropertyList : SafeHandle
{
    public MosquittoPropertyList()
        : base(nint.Zero, ownsHandle: true)
    {
        MosquittoLibrary.EnsureInitialized();
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>True when no property was added.</summary>
    public bool IsEmpty => handle == nint.Zero;

    public void AddByte(MqttPropertyId id, byte value)
    {
        var list = Begin();
        var rc = MosquittoNative.PropertyAddByte(&list, (int)id, value);
        End(list, rc, "mosquitto_property_add_byte");
    }

    public void AddInt16(MqttPropertyId id, ushort value)
    {
        var list = Begin();
        var rc = MosquittoNative.PropertyAddInt16(&list, (int)id, value);
        End(list, rc, "mosquitto_property_add_int16");
    }

    public void AddInt32(MqttPropertyId id, uint value)
    {
        var list = Begin();
        var rc = MosquittoNative.PropertyAddInt32(&list, (int)id, value);
        End(list, rc, "mosquitto_property_add_int32");
    }

    public void AddBinary(MqttPropertyId id, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "MQTT binary properties hold at most 65535 bytes.");
        }

        ObjectDisposedException.ThrowIf(IsClosed, this);
        var list = handle;
        fixed (byte* p = value)
        {
            var rc = MosquittoNative.PropertyAddBinary(&list, (int)id, p, (ushort)value.Length);
            SetHandle(list);
            MosquittoStatus.ThrowIfError(rc, "mosquitto_property_add_binary");
        }
    }

    public void AddString(MqttPropertyId id, string value)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        using var utf8 = new Utf8Z(value, stackalloc byte[256]);
        var list = handle;
        fixed (byte* p = utf8.Bytes)
        {
            var rc = MosquittoNative.PropertyAddString(&list, (int)id, p);
            SetHandle(list);
            MosquittoStatus.ThrowIfError(rc, "mosquitto_property_add_string");
        }
    }

    public void AddStringPair(MqttPropertyId id, string name, string value)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        using var n = new Utf8Z(name, stackalloc byte[128]);
        using var v = new Utf8Z(value, stackalloc byte[256]);
        var list = handle;
        fixed (byte* pn = n.Bytes)
        fixed (byte* pv = v.Bytes)
        {
            var rc = MosquittoNative.PropertyAddStringPair(&list, (int)id, pn, pv);
            SetHandle(list);
            MosquittoStatus.ThrowIfError(rc, "mosquitto_property_add_string_pair");
        }
    }

    /// <summary>The raw list for a native call; the caller keeps this object alive (and AddRef'd) for the call.</summary>
    internal nint Pointer => handle;

    protected override bool ReleaseHandle()
    {
        var list = handle;
        MosquittoNative.PropertyFreeAll(&list);
        return true;
    }

    private nint Begin()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return handle;
    }

    private void End(nint list, int rc, string operation)
    {
        SetHandle(list);
        MosquittoStatus.ThrowIfError(rc, operation);
    }
}
