using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.Tests.Common;

[TestClass]
public sealed class ContentDigestTests
{
    // sha256 of "hello", as `printf hello | sha256sum` prints it.
    private const string HelloHex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [TestMethod]
    public void Bytes_a_stream_and_an_incremental_hash_of_the_same_content_give_the_same_digest()
    {
        byte[] hello = Encoding.UTF8.GetBytes("hello");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(hello);

        Assert.AreEqual("sha256:" + HelloHex, ContentDigest.Of(hello));
        Assert.AreEqual("sha256:" + HelloHex, ContentDigest.Of(new MemoryStream(hello)));
        Assert.AreEqual("sha256:" + HelloHex, ContentDigest.Of(hash));
        Assert.IsTrue(ContentDigest.IsSha256(ContentDigest.Of(hello)));
    }

    [TestMethod]
    public void The_hex_of_a_digest_is_its_blob_name_and_a_texts_hash_is_lowercase_hex()
    {
        Assert.AreEqual(HelloHex, ContentDigest.HexOf("sha256:" + HelloHex));
        Assert.AreEqual(HelloHex, ContentDigest.HashOfText("hello"));
        Assert.AreEqual("00ff", ContentDigest.Hex([0x00, 0xFF]));
        Assert.AreEqual(HelloHex, ContentDigest.WithoutPrefix("sha256:" + HelloHex));
        Assert.AreEqual("3f9a1b2c3d4e", ContentDigest.WithoutPrefix("3f9a1b2c3d4e"));
    }

    [TestMethod]
    public void Only_sha256_and_64_lowercase_hex_digits_is_a_sha256_digest()
    {
        Assert.IsFalse(ContentDigest.IsSha256("sha256:" + HelloHex.ToUpperInvariant()));
        Assert.IsFalse(ContentDigest.IsSha256(HelloHex));
        Assert.IsFalse(ContentDigest.IsSha256("sha512:" + HelloHex));
        Assert.IsTrue(ContentDigest.IsDigestReference("sha256:" + HelloHex));
        Assert.IsFalse(ContentDigest.IsDigestReference("1.0"));
    }
}
