using System.Runtime.InteropServices;

namespace EdgeLam.Mosquitto.Interop.Native;

/// <summary>
/// The libmosquitto 2.0 C API (<c>mosquitto.h</c>), one <see cref="LibraryImportAttribute"/> per function used.
/// Strings on hot paths are passed as NUL-terminated UTF-8 <c>byte*</c> so the caller controls the encoding buffer.
/// </summary>
internal static unsafe partial class MosquittoNative
{
    internal const string Library = "libmosquitto.so.1";

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_init")]
    internal static partial int LibInit();

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_cleanup")]
    internal static partial int LibCleanup();

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_version")]
    internal static partial int LibVersion(out int major, out int minor, out int revision);

    [LibraryImport(Library, EntryPoint = "mosquitto_strerror")]
    internal static partial byte* StrError(int errorCode);

    [LibraryImport(Library, EntryPoint = "mosquitto_reason_string")]
    internal static partial byte* ReasonString(int reasonCode);

    [LibraryImport(Library, EntryPoint = "mosquitto_new", SetLastError = true)]
    internal static partial nint New(byte* id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint obj);

    [LibraryImport(Library, EntryPoint = "mosquitto_destroy")]
    internal static partial void Destroy(nint mosq);

    [LibraryImport(Library, EntryPoint = "mosquitto_int_option")]
    internal static partial int IntOption(MosquittoHandle mosq, MosquittoOption option, int value);

    [LibraryImport(Library, EntryPoint = "mosquitto_threaded_set")]
    internal static partial int ThreadedSet(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

    [LibraryImport(Library, EntryPoint = "mosquitto_max_inflight_messages_set")]
    internal static partial int MaxInflightMessagesSet(MosquittoHandle mosq, uint maxInflight);

    [LibraryImport(Library, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UsernamePasswordSet(MosquittoHandle mosq, string? username, string? password);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TlsSet(MosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, nint passwordCallback);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_insecure_set")]
    internal static partial int TlsInsecureSet(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool insecure);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_opts_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TlsOptsSet(MosquittoHandle mosq, int certReqs, string? tlsVersion, string? ciphers);

    [LibraryImport(Library, EntryPoint = "mosquitto_will_set_v5")]
    internal static partial int WillSetV5(MosquittoHandle mosq, byte* topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_connect_bind_v5", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int ConnectBindV5(MosquittoHandle mosq, string host, int port, int keepalive, string? bindAddress, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_reconnect", SetLastError = true)]
    internal static partial int Reconnect(MosquittoHandle mosq);

    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_v5")]
    internal static partial int DisconnectV5(MosquittoHandle mosq, int reasonCode, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_publish_v5")]
    internal static partial int PublishV5(MosquittoHandle mosq, int* mid, byte* topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_v5")]
    internal static partial int SubscribeV5(MosquittoHandle mosq, int* mid, byte* subscription, int qos, int options, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_unsubscribe_v5")]
    internal static partial int UnsubscribeV5(MosquittoHandle mosq, int* mid, byte* subscription, nint properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_loop", SetLastError = true)]
    internal static partial int Loop(MosquittoHandle mosq, int timeoutMs, int maxPackets);

    [LibraryImport(Library, EntryPoint = "mosquitto_socket")]
    internal static partial int Socket(MosquittoHandle mosq);

    [LibraryImport(Library, EntryPoint = "mosquitto_connect_v5_callback_set")]
    internal static partial void ConnectV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, nint, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_v5_callback_set")]
    internal static partial void DisconnectV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, nint, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_publish_v5_callback_set")]
    internal static partial void PublishV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, nint, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_message_v5_callback_set")]
    internal static partial void MessageV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, MosquittoMessageNative*, nint, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_v5_callback_set")]
    internal static partial void SubscribeV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, int*, nint, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_log_callback_set")]
    internal static partial void LogCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, byte*, void> callback);

    [LibraryImport(Library, EntryPoint = "mosquitto_sub_topic_check2")]
    internal static partial int SubTopicCheck2(byte* topic, nuint length);

    [LibraryImport(Library, EntryPoint = "mosquitto_pub_topic_check2")]
    internal static partial int PubTopicCheck2(byte* topic, nuint length);

    // ---- MQTT 5 properties -------------------------------------------------------------------

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_byte")]
    internal static partial int PropertyAddByte(nint* list, int identifier, byte value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_int16")]
    internal static partial int PropertyAddInt16(nint* list, int identifier, ushort value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_int32")]
    internal static partial int PropertyAddInt32(nint* list, int identifier, uint value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_binary")]
    internal static partial int PropertyAddBinary(nint* list, int identifier, byte* value, ushort length);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_string")]
    internal static partial int PropertyAddString(nint* list, int identifier, byte* value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_string_pair")]
    internal static partial int PropertyAddStringPair(nint* list, int identifier, byte* name, byte* value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_free_all")]
    internal static partial void PropertyFreeAll(nint* list);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_next")]
    internal static partial nint PropertyNext(nint property);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_identifier")]
    internal static partial int PropertyIdentifier(nint property);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_byte")]
    internal static partial nint PropertyReadByte(nint property, int identifier, byte* value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_int16")]
    internal static partial nint PropertyReadInt16(nint property, int identifier, ushort* value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_int32")]
    internal static partial nint PropertyReadInt32(nint property, int identifier, uint* value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_varint")]
    internal static partial nint PropertyReadVarint(nint property, int identifier, uint* value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_binary")]
    internal static partial nint PropertyReadBinary(nint property, int identifier, void** value, ushort* length, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_string")]
    internal static partial nint PropertyReadString(nint property, int identifier, byte** value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_string_pair")]
    internal static partial nint PropertyReadStringPair(nint property, int identifier, byte** name, byte** value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);
}

/// <summary><c>struct mosquitto_message</c> as laid out by libmosquitto 2.0 (valid only during the callback).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MosquittoMessageNative
{
    public int Mid;
    public byte* Topic;
    public byte* Payload;
    public int PayloadLength;
    public int Qos;
    public byte Retain;
}

/// <summary>libc pieces libmosquitto's API expects the application to call (free() of property copies, shutdown()).</summary>
internal static unsafe partial class LibC
{
    [LibraryImport("libc", EntryPoint = "free")]
    internal static partial void Free(void* pointer);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(int socket, int how);
}
