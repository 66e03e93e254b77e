using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// The OCI 1.1 empty descriptor: the 2-byte JSON object <c>{}</c>, the config of an artifact that has none. Its digest
/// is the image spec's well-known one, which registries and tools recognise.
/// </summary>
internal static class EmptyBlob
{
    public const string Digest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    public static byte[] Bytes => "{}"u8.ToArray();

    public static BlobDescriptor Descriptor { get; } = new(MediaTypes.OciEmpty, Digest, 2);
}
