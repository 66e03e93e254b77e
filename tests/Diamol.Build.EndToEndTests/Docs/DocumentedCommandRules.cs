using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>
/// Where and how each documented command runs here, in one place so the rules stay few, general and visible.
/// A command runs as written, with bash, in the folder its document assumes; the only change to its text is
/// <see cref="AsRunHere"/>, and the rest of the difference between this machine and a user's is the environment.
/// </summary>
public static class DocumentedCommandRules
{
    /// <summary>
    /// Commands this test does not run, by document and command (comment aside), with the reason. An entry that names
    /// a command no document shows any more fails the test, so the list cannot go stale.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Document, string Command), string> NotRunnableHere =
        new Dictionary<(string, string), string>
        {
            [("README.md", "eng/test.sh")] =
                "it runs the whole test suite, this test included: it is the command CI runs (.ci/run), so CI itself checks it",
            [("docs/signing.md", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -out cosign.pem")] =
                SigningKeygen,
            [("docs/signing.md", "openssl pkey -in cosign.pem -pubout -out cosign.pub")] =
                SigningKeygen,
            [("docs/signing.md", "cosign import-key-pair --key cosign.pem")] =
                SigningKeygen,
            [("docs/signing.md", "REG=localhost:5000 REPO=team/app DIGEST=sha256:<hex of the image>")] =
                SigningVerify,
            [("docs/signing.md", "TAG=$(echo \"$DIGEST\" | tr : -).sig")] =
                SigningVerify,
            [("docs/signing.md", "curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \"http://$REG/v2/$REPO/manifests/$TAG\" > sig-manifest.json")] =
                SigningVerify,
            [("docs/signing.md", "LAYER=$(jq -r '.layers[0].digest' sig-manifest.json)")] =
                SigningVerify,
            [("docs/signing.md", "jq -r '.layers[0].annotations[\"dev.cosignproject.cosign/signature\"]' sig-manifest.json | base64 -d > sig.der")] =
                SigningVerify,
            [("docs/signing.md", "curl -s \"http://$REG/v2/$REPO/blobs/$LAYER\" > payload.json")] =
                SigningVerify,
            [("docs/signing.md", "openssl dgst -sha256 -verify cosign.pub -signature sig.der payload.json")] =
                SigningVerify,
            [("docs/signing.md", "jq -r '.critical.image[\"docker-manifest-digest\"]' payload.json")] =
                SigningVerify,
            [("docs/signing.md", "cosign verify --key cosign.pub --insecure-ignore-tlog=true localhost:5000/team/app@sha256:<hex>")] =
                SigningVerify,
        };

    // The unit tests make keys of every kind with openssl themselves (Signing/SigningKeyTests), non-interactively.
    private const string SigningKeygen =
        "it asks for the key's password on the terminal (CI has no stdin), and cosign is not installable here (no apt or NuGet package)";

    private const string SigningVerify =
        "the publish does not sign images yet (issue 23: the signing core is built and tested, its wiring is not), so there is no " +
        ".sig to fetch; the unit tests verify our signatures with openssl dgst the same way (Signing/CosignSignaturesTests)";

    /// <summary>
    /// The project a document's commands run in: a `dotnet new console` project of that name with the package
    /// reference the quick start shows (at this run's version, from this run's feed). Documents that name the same
    /// project share one folder, and run in document order.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ProjectOf = new Dictionary<string, string>
    {
        ["README.md"] = "YourApp",                // the quick start's YourApp.csproj, image yourapp:latest
        ["docs/history-artifact.md"] = "YourApp", // inspects the artifacts of the README's publish, from the project's folder
        ["src/Sdk/README.md"] = "MyApp",          // the package README's image myapp:latest
    };

    /// <summary>A command whose program is a script of this repository (eng/sample.sh) runs at the root of a copy of it.</summary>
    public static bool IsRepositoryScript(DocumentedCommand command)
    {
        string program = command.Text.Split(' ', 2)[0];
        return program.Contains('/') && File.Exists(Path.Combine(TestEnvironment.RepositoryRoot, program));
    }

    /// <summary>
    /// The one change to a command's text: a container started without a network option gets `--network none`,
    /// because containers here may not reach private addresses (and there is no internet to reach).
    /// </summary>
    public static string AsRunHere(string command) =>
        command.Contains("--network", StringComparison.Ordinal)
            ? command
            : Regex.Replace(command, @"\bdocker run\b", "docker run --network none");

    /// <summary>
    /// The environment of every command: the end-to-end tests' own (a NuGet folder of this run, so the packed package
    /// at its unique version is what restores; no MSBuild node reuse or server, as -nodeReuse:false), and
    /// ContainerBaseImage set to the offline mirror of mcr.microsoft.com/dotnet/runtime:10.0, the image the SDK infers
    /// for these console projects: MSBuild reads environment variables as properties, so the commands stay as written.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Environment =>
        new Dictionary<string, string?>(TestEnvironment.DotnetEnvironment) { ["ContainerBaseImage"] = TestEnvironment.BaseRuntime };
}
