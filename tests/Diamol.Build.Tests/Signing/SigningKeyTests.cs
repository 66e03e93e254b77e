using System.Text;
using Diamol.Build.Diagnostics;
using Diamol.Build.Signing;

namespace Diamol.Build.Tests.Signing;

/// <summary>
/// DiamolSigningKey's formats, made by openssl: P-256 keys in PKCS#8, SEC1 and encrypted PKCS#8 load and sign what
/// openssl verifies; other keys, other files and wrong passwords are refused with the code, the setting and the fix.
/// </summary>
[TestClass]
public sealed class SigningKeyTests : TempFolderTest
{
    private const string Password = "correct-horse-battery-42";

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"critical\":{}}");

    private string Key(string name, params string[] openssl)
    {
        Openssl.Run(Root, [.. openssl, "-out", name]);
        return Path.Combine(Root, name);
    }

    private string P256Pkcs8() => Key("p8.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");

    private void AssertSignsWhatOpensslVerifies(string keyFile, string? password)
    {
        using var key = SigningKey.Load(keyFile, password);
        byte[] signature = key.Sign(Payload);

        Assert.IsTrue(Openssl.Verifies(Root, key.PublicKeyPem, Payload, signature), "openssl verifies with the public key we export");
        string theirs = Openssl.Run(Root, ["pkey", "-in", keyFile, "-pubout", .. password is null ? Array.Empty<string>() : ["-passin", "pass:" + password]]);
        Assert.AreEqual(theirs.Trim(), key.PublicKeyPem.Trim(), "the public key we export is the one openssl derives from the file");
        Assert.IsTrue(Openssl.Verifies(Root, theirs, Payload, signature));
        Assert.IsFalse(Openssl.Verifies(Root, theirs, Encoding.UTF8.GetBytes("{\"critical\":{ }}"), signature), "another payload does not verify");
    }

    [TestMethod]
    public void A_PKCS8_P256_key_signs_what_openssl_verifies_with_its_public_key() => AssertSignsWhatOpensslVerifies(P256Pkcs8(), null);

    [TestMethod]
    public void A_SEC1_key_as_openssl_ecparam_writes_it_with_its_parameters_block_signs_too()
    {
        string key = Key("sec1.pem", "ecparam", "-name", "prime256v1", "-genkey");
        StringAssert.StartsWith(File.ReadAllText(key), "-----BEGIN EC PARAMETERS-----");
        StringAssert.Contains(File.ReadAllText(key), "-----BEGIN EC PRIVATE KEY-----");
        AssertSignsWhatOpensslVerifies(key, null);
    }

    [TestMethod]
    public void An_encrypted_PKCS8_key_opens_with_the_password_of_the_environment_variable()
    {
        string key = Key("enc.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "pass:" + Password);
        StringAssert.StartsWith(File.ReadAllText(key), "-----BEGIN ENCRYPTED PRIVATE KEY-----");
        AssertSignsWhatOpensslVerifies(key, Password);

        using var fromEnvironment = SigningKey.FromSetting(key, name => name == "DIAMOL_SIGNING_KEY_PASSWORD" ? Password : null);
        Assert.IsTrue(Openssl.Verifies(Root, fromEnvironment.PublicKeyPem, Payload, fromEnvironment.Sign(Payload)));
    }

    [TestMethod]
    public void A_wrong_password_is_DIAM1026_naming_the_variable_and_never_the_password()
    {
        string key = Key("enc.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "pass:" + Password);
        const string wrong = "not-the-password-7731";

        var e = Assert.ThrowsExactly<DiamolException>(() => SigningKey.Load(key, wrong));

        Assert.AreEqual(DiagnosticCode.DIAM1026, e.Code);
        StringAssert.Contains(e.Message, "DIAMOL_SIGNING_KEY_PASSWORD");
        StringAssert.Contains(e.Message, key);
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            Assert.IsFalse(x.Message.Contains(wrong, StringComparison.Ordinal) || x.ToString().Contains(wrong, StringComparison.Ordinal), x.ToString());
            Assert.IsFalse(x.ToString().Contains(Password, StringComparison.Ordinal), x.ToString());
        }
    }

    [TestMethod]
    public void An_encrypted_key_without_the_variable_is_DIAM1026_saying_to_set_it()
    {
        string key = Key("enc.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "pass:" + Password);

        var e = Assert.ThrowsExactly<DiamolException>(() => SigningKey.FromSetting(key, _ => null));

        Assert.AreEqual(DiagnosticCode.DIAM1026, e.Code);
        StringAssert.Contains(e.Message, "DIAMOL_SIGNING_KEY_PASSWORD is not set");
        StringAssert.Contains(e.Message, "DiamolSigningKey '" + key + "'");
    }

    [TestMethod]
    [DataRow("rsa.pem", "an RSA key", new[] { "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048" }, DisplayName = "RSA, PKCS#8")]
    [DataRow("rsa1.pem", "an RSA key", new[] { "genrsa", "-traditional" }, DisplayName = "RSA, PKCS#1")]
    [DataRow("p384.pem", "an ECDSA P-384 key", new[] { "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384" }, DisplayName = "P-384, PKCS#8")]
    [DataRow("p384s.pem", "an ECDSA P-384 key", new[] { "ecparam", "-name", "secp384r1", "-genkey", "-noout" }, DisplayName = "P-384, SEC1")]
    [DataRow("ed.pem", "an Ed25519 key", new[] { "genpkey", "-algorithm", "ED25519" }, DisplayName = "Ed25519")]
    [DataRow("rsae.pem", "an RSA key", new[] { "genpkey", "-algorithm", "RSA", "-aes-256-cbc", "-pass", "pass:" + Password }, DisplayName = "RSA, encrypted")]
    [DataRow("p384e.pem", "an ECDSA P-384 key",
        new[] { "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-aes-256-cbc", "-pass", "pass:" + Password }, DisplayName = "P-384, encrypted")]
    public void A_key_that_is_not_ECDSA_P256_is_DIAM1027_saying_what_it_is_and_how_to_make_one(string name, string kind, string[] openssl)
    {
        string key = Key(name, openssl);

        var e = Assert.ThrowsExactly<DiamolException>(() => SigningKey.Load(key, Password));

        Assert.AreEqual(DiagnosticCode.DIAM1027, e.Code, e.Message);
        StringAssert.Contains(e.Message, $"DiamolSigningKey '{key}' holds {kind};");
        StringAssert.Contains(e.Message, "openssl ecparam -name prime256v1 -genkey");
        Assert.IsFalse(e.Message.Contains(Password, StringComparison.Ordinal));
    }

    [TestMethod]
    [DataRow("missing", "there is no such file")]
    [DataRow("folder", "it is a folder")]
    [DataRow("text", "it is not a PEM file")]
    [DataRow("public", "it holds no private key, only PUBLIC KEY")]
    [DataRow("two", "it holds 2 private keys")]
    [DataRow("cosign", "cosign's own encrypted format")]
    [DataRow("legacy", "encrypted the legacy OpenSSL way")]
    public void A_file_that_is_no_readable_private_key_is_DIAM1026_naming_the_setting_and_its_value(string what, string why)
    {
        string path = Path.Combine(Root, what + ".pem");
        string p256 = P256Pkcs8();
        switch (what)
        {
            case "folder": Directory.CreateDirectory(path); break;
            case "text": File.WriteAllText(path, "MHcCAQEEI not a pem\n"); break;
            case "public": Openssl.Run(Root, "pkey", "-in", p256, "-pubout", "-out", path); break;
            case "two": File.WriteAllText(path, File.ReadAllText(p256) + File.ReadAllText(p256)); break;
            case "legacy": Openssl.Run(Root, "ec", "-in", p256, "-aes256", "-passout", "pass:" + Password, "-out", path); break;
            case "cosign": File.WriteAllText(path, "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"); break;
        }

        var e = Assert.ThrowsExactly<DiamolException>(() => SigningKey.Load(path, null));

        Assert.AreEqual(DiagnosticCode.DIAM1026, e.Code);
        StringAssert.Contains(e.Message, $"DiamolSigningKey has the value '{path}'");
        StringAssert.Contains(e.Message, why);
        StringAssert.Contains(e.Message, "Set DiamolSigningKey to a PEM file holding an ECDSA P-256 private key");
    }
}
