using System.Security.Cryptography;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Signing;

/// <summary>
/// The ECDSA P-256 private key of <c>DiamolSigningKey</c>: a PEM file holding a PKCS#8 (<c>PRIVATE KEY</c>), SEC1
/// (<c>EC PRIVATE KEY</c>) or encrypted PKCS#8 (<c>ENCRYPTED PRIVATE KEY</c>) key, the password of the last in
/// <c>DIAMOL_SIGNING_KEY_PASSWORD</c>. P-256 only, because that is the scheme cosign's signature spec requires every
/// verifier to support and the one it assumes when nothing in the signature names the scheme. The password is never
/// part of a message: the messages name the variable, not its value.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    public const string Setting = "DiamolSigningKey";
    public const string PasswordVariable = "DIAMOL_SIGNING_KEY_PASSWORD";

    // A key file is a few hundred bytes; anything this large is not one (a publish folder, an archive named by mistake).
    private const long LargestKeyFile = 64 * 1024;

    private readonly ECDsa _key;

    private SigningKey(ECDsa key) => _key = key;

    /// <summary>The public half as a PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo): what `openssl dgst -verify` and `cosign verify --key` read.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Loads the key the setting names, its password (when encrypted) from <see cref="PasswordVariable"/>.</summary>
    public static SigningKey FromSetting(string path, Func<string, string?> environment) => Load(path, environment(PasswordVariable));

    public static SigningKey Load(string path, string? password)
    {
        string pem = Read(path);
        if (pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            // The legacy OpenSSL encryption (`openssl ec -aes256`): headers inside the block, which RFC 7468 PEM has not.
            throw Unreadable(path, "it is encrypted the legacy OpenSSL way (a Proc-Type header), which .NET cannot read; " +
                "convert it to an encrypted PKCS#8 key with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in <file> -out cosign.pem`");
        }

        var blocks = PemBlocks(pem).ToList();
        var keys = blocks.Where(b => b.Label.Contains("PRIVATE KEY", StringComparison.Ordinal)).ToList();
        if (keys.Count == 0) throw NoPrivateKey(path, blocks.Select(b => b.Label).ToList());
        if (keys.Count > 1)
        {
            throw Unreadable(path, $"it holds {keys.Count} private keys ({string.Join(", ", keys.Select(k => k.Label))}); keep the one to sign with in a file of its own");
        }

        var (label, der) = keys[0];
        ECDsa key = label switch
        {
            "PRIVATE KEY" => Import(path, k => k.ImportPkcs8PrivateKey(der, out _), () => SigningKeyKind.OfPkcs8(der)),
            "EC PRIVATE KEY" => Import(path, k => k.ImportECPrivateKey(der, out _), () => null),
            "ENCRYPTED PRIVATE KEY" => ImportEncrypted(path, der, password),
            "RSA PRIVATE KEY" => throw WrongKind(path, "an RSA key"),
            "DSA PRIVATE KEY" => throw WrongKind(path, "a DSA key"),
            "ENCRYPTED COSIGN PRIVATE KEY" or "ENCRYPTED SIGSTORE PRIVATE KEY" => throw Unreadable(path,
                "it is a key in cosign's own encrypted format (scrypt and secretbox), which .NET cannot read; " +
                "make the key with openssl instead (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cosign.pem`) " +
                "and give cosign the same key with `cosign import-key-pair --key cosign.pem`"),
            _ => throw Unreadable(path, $"its PEM block is '{label}', not PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY" +
                (label == "OPENSSH PRIVATE KEY" ? " (convert an OpenSSH key with `ssh-keygen -p -m PKCS8 -f <file>`)" : "")),
        };
        return new SigningKey(RequireP256(path, key));
    }

    /// <summary>The signature cosign stores: ECDSA over the SHA-256 of the bytes, DER-encoded (ASN.1 SEQUENCE of r and s).</summary>
    public byte[] Sign(byte[] payload) => _key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose() => _key.Dispose();

    private static string Read(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw Unreadable(path, Directory.Exists(path) ? "it is a folder" : "there is no such file");
            }

            if (file.Length > LargestKeyFile) throw Unreadable(path, $"it is {file.Length} bytes, too large for a key file");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(path, "it cannot be read: " + e.Message, e);
        }
    }

    private static IEnumerable<(string Label, byte[] Der)> PemBlocks(string pem)
    {
        int start = 0;
        while (start < pem.Length && PemEncoding.TryFind(pem.AsSpan(start), out var fields))
        {
            string label = pem.AsSpan(start)[fields.Label].ToString();
            byte[] der = Convert.FromBase64String(pem.AsSpan(start)[fields.Base64Data].ToString());
            yield return (label, der);
            start += fields.Location.End.Value;
        }
    }

    private static ECDsa Import(string path, Action<ECDsa> import, Func<string?> kind)
    {
        var key = ECDsa.Create();
        try
        {
            import(key);
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            if (kind() is { } other) throw WrongKind(path, other);
            throw Unreadable(path, "its key cannot be read: " + e.Message, e);
        }
    }

    private static ECDsa ImportEncrypted(string path, byte[] der, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new DiamolException(DiagnosticCode.DIAM1026,
                $"{Setting} '{path}' is an encrypted key and the environment variable {PasswordVariable} is not set. " +
                $"Set {PasswordVariable} to the key's password in the publish's environment (a CI secret), or name an unencrypted key.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportEncryptedPkcs8PrivateKey(password, der, out _);
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            if (SigningKeyKind.OfEncryptedPkcs8(der, password) is { } other) throw WrongKind(path, other);
            throw new DiamolException(DiagnosticCode.DIAM1026,
                $"{Setting} '{path}' is an encrypted key that the password in {PasswordVariable} does not open " +
                "(a wrong password, or a key of a kind .NET cannot read). " +
                $"Set {PasswordVariable} to the password the key was encrypted with " +
                "(`openssl pkey -in <file> -noout` asks for it and says whether it is right).", e);
        }
    }

    private static ECDsa RequireP256(string path, ECDsa key)
    {
        if (SigningKeyKind.OfCurve(key) is { } other)
        {
            key.Dispose();
            throw WrongKind(path, other);
        }

        return key;
    }

    private static DiamolException NoPrivateKey(string path, List<string> labels) => labels.Count == 0
        ? Unreadable(path, "it is not a PEM file (no -----BEGIN ...----- block)")
        : Unreadable(path, $"it holds no private key, only {string.Join(", ", labels)}" +
            (labels.Contains("PUBLIC KEY") ? " (a public key verifies signatures; signing needs the private key it was made from)" : ""));

    private static DiamolException Unreadable(string path, string why, Exception? inner = null) => new(DiagnosticCode.DIAM1026,
        $"{Setting} has the value '{path}', which is not a signing key Diamol.Build can read: {why}. " +
        $"Set {Setting} to a PEM file holding an ECDSA P-256 private key (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, " +
        $"or `ENCRYPTED PRIVATE KEY` with its password in {PasswordVariable}).", inner);

    private static DiamolException WrongKind(string path, string kind) => new(DiagnosticCode.DIAM1027,
        $"{Setting} '{path}' holds {kind}; cosign signatures, and Diamol.Build's, are ECDSA P-256. " +
        "Make a P-256 key with `openssl ecparam -name prime256v1 -genkey -noout -out cosign.pem` " +
        "(or `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cosign.pem`), " +
        "its public key for verifiers with `openssl pkey -in cosign.pem -pubout -out cosign.pub`, and set " + Setting + " to it.");
}
