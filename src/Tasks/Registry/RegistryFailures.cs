using System.Net;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// The coded errors of registry access. Every message names the registry and repository and says what to do;
/// none carries a credential (callers pass no secret in, and registry texts never hold ours).
/// </summary>
internal static class RegistryFailures
{
    public static string CredentialAdvice(string registry) =>
        $"Log in with `docker login {registry}` (or configure a credential helper for it in the docker configuration), " +
        $"or set {EnvironmentCredentials.UserVariable} and {EnvironmentCredentials.PasswordVariable} for pushes " +
        $"({EnvironmentCredentials.PullUserVariable} and {EnvironmentCredentials.PullPasswordVariable} for pulls).";

    public static DiamolException AuthenticationRefused(string registry, string repository, string request, HttpStatusCode status, string? registryMessage, bool withCredentials) =>
        new(DiagnosticCode.DIAM3005,
            $"The registry {registry} refused {request} for {repository} ({Status(status)}{Detail(registryMessage)}) " +
            (withCredentials ? "with the login it was given. Check that the login is current and may access this repository. " : "and no login for it was found. ") +
            CredentialAdvice(registry));

    public static DiamolException NoLoginFor(string registry, string repository, string request, string reason) =>
        new(DiagnosticCode.DIAM3005, $"The registry {registry} asks for a login for {request} on {repository}, {reason}. {CredentialAdvice(registry)}");

    public static DiamolException CredentialsUnreadable(string registry, Exception cause) =>
        new(DiagnosticCode.DIAM3005,
            $"The login for the registry {registry} could not be read ({cause.GetType().Name}: {cause.Message}). " +
            $"Fix the docker configuration or its credential helper. {CredentialAdvice(registry)}", cause);

    /// <summary>The key of <see cref="Exception.Data"/> under which <see cref="Unreachable"/> keeps its reason, for the retry log.</summary>
    public const string ReasonKey = "Diamol.Registry.Reason";

    public static DiamolException Unreachable(string registry, string repository, string request, string reason, Exception? cause = null)
    {
        var failure = new DiamolException(DiagnosticCode.DIAM3010,
            $"Could not reach the registry {registry} ({request} for {repository}): {reason}. " +
            "Check that the registry is running and reachable from this machine (address, network, proxy, TLS certificate), then retry.", cause);
        failure.Data[ReasonKey] = reason;
        return failure;
    }

    public static DiamolException ServerFault(string registry, string repository, string request, HttpStatusCode status, string? registryMessage) =>
        new(DiagnosticCode.DIAM3011,
            $"The registry {registry} answered {request} for {repository} with {Status(status)}{Detail(registryMessage)}. " +
            Advice(status));

    private static string Advice(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests =>
            "The registry limits how many requests it takes (a rate limit): wait before publishing again, log in if its anonymous limit is lower, " +
            "push fewer images at once, or raise DiamolRegistryRetries to wait out the limit.",
        HttpStatusCode.RequestTimeout =>
            "The registry (or a proxy before it) gave up waiting for the request: check the network to it, and publish again.",
        _ when (int)status >= 500 =>
            "That is a fault on the registry's side (or a proxy before it): retry later, and check the registry's status or logs if it persists.",
        _ => "Check the repository name and the image, and the registry's documentation for that error.",
    };

    public static DiamolException ProtocolBreak(string registry, string repository, string request, string what) =>
        new(DiagnosticCode.DIAM3011,
            $"The registry {registry} answered {request} for {repository} with a response that breaks the distribution protocol: {what}. " +
            "Check that the address is a container registry (not a proxy or web page), and retry; report it to the registry's operators if it persists.");

    public static DiamolException NotFound(string registry, string repository, string what, string advice) =>
        new(DiagnosticCode.DIAM3012, $"The registry {registry} has no {what} in {repository}. {advice}");

    public static DiamolException DigestMismatch(string registry, string repository, string what, string expected, string actual) =>
        new(DiagnosticCode.DIAM3013,
            $"The content of {what} in {registry}/{repository} does not match its digest: expected {expected}, got {actual}. " +
            "Nothing was kept. Retry; if it happens again, the registry (or a proxy before it) is serving or storing corrupted content.");

    private static string Status(HttpStatusCode status) => $"{(int)status} {status}";

    private static string Detail(string? registryMessage) => registryMessage is null ? "" : ": " + registryMessage;
}
