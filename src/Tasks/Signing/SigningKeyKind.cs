using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Diamol.Build.Signing;

/// <summary>
/// Names the kind of a key that is not ECDSA P-256 ("an RSA key", "an ECDSA P-384 key"), so the refusal says what the
/// file holds rather than only what it should.
/// </summary>
internal static class SigningKeyKind
{
    public const string P256 = "1.2.840.10045.3.1.7";

    private const string EcPublicKey = "1.2.840.10045.2.1";

    private static readonly Dictionary<string, string> Algorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.1"] = "an RSA key",
        ["1.2.840.113549.1.1.10"] = "an RSA-PSS key",
        ["1.2.840.10040.4.1"] = "a DSA key",
        ["1.3.101.110"] = "an X25519 key",
        ["1.3.101.111"] = "an X448 key",
        ["1.3.101.112"] = "an Ed25519 key",
        ["1.3.101.113"] = "an Ed448 key",
    };

    private static readonly Dictionary<string, string> Curves = new(StringComparer.Ordinal)
    {
        ["1.3.132.0.34"] = "P-384",
        ["1.3.132.0.35"] = "P-521",
        ["1.3.132.0.10"] = "secp256k1",
        ["1.2.840.10045.3.1.1"] = "P-192",
        ["1.3.132.0.33"] = "P-224",
        ["1.3.36.3.3.2.8.1.1.7"] = "brainpoolP256r1",
    };

    /// <summary>Null when the key is on P-256, else what it is.</summary>
    public static string? OfCurve(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed) return "an ECDSA key with explicit curve parameters (not the named curve P-256)";
        string? oid = curve.Oid.Value;
        if (oid == P256 || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1") return null;
        return "an ECDSA " + Curve(oid ?? curve.Oid.FriendlyName ?? "unnamed") + " key";
    }

    /// <summary>What an unencrypted PKCS#8 key is, or null when it cannot be told (then the file is unreadable, not the wrong kind).</summary>
    public static string? OfPkcs8(byte[] der)
    {
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            info.ReadInteger();
            var algorithm = info.ReadSequence();
            string oid = algorithm.ReadObjectIdentifier();
            if (oid == EcPublicKey)
            {
                if (algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
                {
                    string curve = algorithm.ReadObjectIdentifier();
                    return curve == P256 ? null : "an ECDSA " + Curve(curve) + " key";
                }

                return null;
            }

            return Algorithms.TryGetValue(oid, out string? name) ? name : $"a key of the algorithm {oid}";
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>What an encrypted PKCS#8 key that ECDSA could not open is, when the password opens it as RSA or DSA; else null.</summary>
    public static string? OfEncryptedPkcs8(byte[] der, string password)
    {
        if (Opens(RSA.Create(), der, password)) return "an RSA key";
        if (Opens(DSA.Create(), der, password)) return "a DSA key";
        return null;
    }

    private static bool Opens(AsymmetricAlgorithm algorithm, byte[] der, string password)
    {
        using (algorithm)
        {
            try
            {
                algorithm.ImportEncryptedPkcs8PrivateKey(password, der, out _);
                return true;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }

    private static string Curve(string oid) => Curves.TryGetValue(oid, out string? name) ? name : "curve " + oid;
}
