namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// Issue 20's registry torture suite. Each case is a real registry of the test's own (docker-registry; with token auth
/// and a token server of the test's own for short tokens) behind a loopback proxy of the test's own that behaves as
/// a real registry at its worst (<see cref="QuirkProxy"/>, <see cref="FaultProxy"/> for resets) and asks for a Basic
/// login, so a credential is always in play, with a catcher on 127.0.0.2 that records any it is sent. Each case
/// publishes the WebPing sample twice, through the same proxy with only the SDK's push pair set: with Diamol.Build's
/// OCI writer, which must push with the right digests (or fail with the right DIAM code) in bounded time and never
/// send a credential to the catcher; and with the SDK's PublishContainer, whose outcome is measured, not required.
/// Both are checked against the side-by-side table in docs/registries.md.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class RegistryTortureTests
{
    private static readonly (string User, string Password) Login = ("diamol-torture", "torture-secret");
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private static readonly (string, string) ForceChunks = ("DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD", "true");

    /// <summary>Runs both publishes of a case through <paramref name="quirk"/> in front of a registry of the test's own.</summary>
    private static (TortureOutcome Diamol, TortureOutcome Sdk) Measure(string caseName, Quirk quirk, Action<QuirkProxy, TortureOutcome> diamolChecks,
        (string Name, string Value)[]? environment = null, string[]? properties = null)
    {
        using var registry = new OwnRegistry();
        using var proxy = new QuirkProxy(quirk, registry.Port, Login);
        var publish = new TorturePublish(caseName, proxy.Registry, TorturePublish.Anonymous(registry.Port), proxy, Login, environment ?? []);
        var diamol = publish.Diamol(properties ?? []);
        AssertBounded(diamol);
        Assert.IsTrue(proxy.Logins > 0, "the login was never used\n" + diamol.Result.Output);
        diamolChecks(proxy, diamol);
        var sdk = publish.PublishContainer();
        TortureTable.AssertDocumented(caseName, diamol, sdk);
        return (diamol, sdk);
    }

    private static void AssertBounded(TortureOutcome diamol)
    {
        Assert.IsTrue(diamol.Elapsed < Bound, $"the publish took {diamol.Elapsed}");
        Assert.IsFalse(diamol.Leaked, "the catcher got credentials: " + string.Join("; ", diamol.CatcherCredentials));
    }

    private static void AssertPushed(TortureOutcome diamol) =>
        Assert.AreEqual("pushes", diamol.Summary, diamol.Result.All);

    private static void AssertApplied(QuirkProxy proxy, TortureOutcome diamol) =>
        Assert.IsTrue(proxy.Applied > 0, "the quirk never happened\n" + diamol.Result.Output);

    [TestMethod]
    [Timeout(600_000)]
    public void Resets_of_one_connection_in_five_are_retried()
    {
        // A TCP proxy (a reset is below HTTP) in front of the login proxy, in front of the registry.
        using var registry = new OwnRegistry();
        using var proxy = new QuirkProxy(Quirk.None, registry.Port, Login);
        using var resets = FaultProxy.ForRegistry("", Fault.ResetEveryFifth, proxy.Port);
        var publish = new TorturePublish("resets", resets.Registry, TorturePublish.Anonymous(registry.Port), proxy, Login, []);

        var diamol = publish.Diamol();

        AssertBounded(diamol);
        AssertPushed(diamol);
        Assert.IsTrue(resets.Triggered > 0, "no connection was reset\n" + diamol.Result.Output);
        StringAssert.Contains(diamol.Result.Output, "trying again in");
        TortureTable.AssertDocumented("resets", diamol, publish.PublishContainer());
    }

    [TestMethod]
    [Timeout(600_000)]
    public void A_rate_limit_with_Retry_After_is_waited_for() =>
        Measure("429", Quirk.RateLimit, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            StringAssert.Contains(diamol.Result.Output, "429 TooManyRequests");
            StringAssert.Contains(diamol.Result.Output, "as its Retry-After asks");
        });

    [TestMethod]
    [Timeout(600_000)]
    public void A_refused_whole_PUT_gets_chunks() =>
        Measure("whole-put-refused", Quirk.RefuseMonolithic, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            Assert.IsTrue(proxy.Patches > 0, "no chunk was sent");
            StringAssert.Contains(diamol.Result.Output, "refused a whole (monolithic) upload");
        });

    [TestMethod]
    [Timeout(600_000)]
    public void A_refused_PATCH_gets_one_whole_PUT_when_chunks_are_forced() =>
        Measure("patch-refused", Quirk.RefusePatch, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            StringAssert.Contains(diamol.Result.Output, "refused a chunked upload");
        }, [ForceChunks]);

    [TestMethod]
    [Timeout(600_000)]
    public void An_ECR_like_minimum_chunk_of_5_MiB_is_met() =>
        Measure("minimum-chunk", Quirk.MinimumChunk, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            Assert.IsTrue(proxy.Patches > 1, "no blob went up in several chunks");
            Assert.AreEqual(0, proxy.Applied, "a chunk shorter than 5 MiB was sent before another");
        }, [ForceChunks]);

    [TestMethod]
    [Timeout(600_000)]
    public void A_registry_that_takes_only_bytes_ranges_and_chunks_gets_them() =>
        Measure("range-bytes", Quirk.ContentRangeWithUnit, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            Assert.IsTrue(proxy.Patches > 0, "no chunk was taken");
            StringAssert.Contains(diamol.Result.Output, "sending it again as 'bytes 0-");
        }, [ForceChunks]);

    [TestMethod]
    [Timeout(600_000)]
    public void A_registry_that_takes_only_bare_ranges_and_chunks_gets_them() =>
        Measure("range-bare", Quirk.ContentRangeBare, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            Assert.IsTrue(proxy.Patches > 0, "no chunk was taken");
            Assert.AreEqual(0, proxy.Applied, "a chunk went out in a form the registry refuses");
        }, [ForceChunks]);

    [TestMethod]
    [Timeout(600_000)]
    public void Five_second_tokens_outlived_by_a_slow_push_are_renewed()
    {
        // docker-registry with token auth; its token server asks for the Basic login and gives 5-second tokens; a
        // proxy that delays every request makes the push outlast several tokens.
        using var registry = new TokenRegistry(TimeSpan.FromSeconds(5), Login);
        using var slow = new QuirkProxy(Quirk.Slow, registry.Port);
        var publish = new TorturePublish("short-tokens", slow.Registry, registry.Get, slow, Login, []);

        var diamol = publish.Diamol();
        int issued = registry.Issued;
        var span = registry.IssuingSpan;

        AssertBounded(diamol);
        AssertPushed(diamol);
        Assert.IsTrue(issued >= 2 && span >= TimeSpan.FromSeconds(4), $"{issued} tokens over {span}: no token outlived by the push was replaced\n{diamol.Result.Output}");
        registry.ForgetIssues();
        TortureTable.AssertDocumented("short-tokens", diamol, publish.PublishContainer());
    }

    [TestMethod]
    [Timeout(600_000)]
    public void An_upload_Location_on_another_host_gets_the_upload_and_no_credential() =>
        Measure("foreign-location", Quirk.ForeignLocation, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            Assert.IsTrue(proxy.Caught.Count > 0, "nothing went to the catcher");
        });

    [TestMethod]
    [Timeout(600_000)]
    public void A_redirect_to_another_host_is_followed_without_credentials() =>
        Measure("redirect", Quirk.RedirectToCatcher, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            Assert.IsTrue(proxy.Caught.Count > 0, "no redirect was followed to the catcher");
        });

    [TestMethod]
    [Timeout(600_000)]
    public void A_manifest_PUT_that_stalls_once_is_tried_again_after_DiamolIdleTimeout() =>
        Measure("stall", Quirk.StallFirstManifest, (proxy, diamol) =>
        {
            AssertPushed(diamol);
            AssertApplied(proxy, diamol);
            StringAssert.Contains(diamol.Result.Output, "no answer within 5 seconds");
            Assert.IsTrue(diamol.Elapsed < QuirkProxy.StallFor + TimeSpan.FromSeconds(30), $"the stall was waited out: {diamol.Elapsed}");
        }, properties: ["DiamolIdleTimeout=5"]);

    [TestMethod]
    [Timeout(600_000)]
    public void An_endless_base_manifest_fails_fast_after_4_MiB() => Endless("endless-manifest", Quirk.EndlessManifest, "DIAM3011", "larger than 4194304 bytes");

    [TestMethod]
    [Timeout(600_000)]
    public void An_endless_base_config_fails_fast_at_the_size_its_manifest_gives() => Endless("endless-config", Quirk.EndlessConfig, "DIAM3013", "got more than that");

    /// <summary>The base image is read through a proxy in front of the shared base registry (reads only) that answers endlessly.</summary>
    private static void Endless(string caseName, Quirk quirk, string code, string message)
    {
        using var registry = new OwnRegistry();
        using var proxy = new QuirkProxy(Quirk.None, registry.Port, Login);
        using var endless = new QuirkProxy(quirk, 5000);
        var publish = new TorturePublish(caseName, proxy.Registry, TorturePublish.Anonymous(registry.Port), proxy, Login, [], endless);

        var diamol = publish.Diamol();

        AssertBounded(diamol);
        Assert.IsTrue(endless.Applied > 0, "no endless answer was sent\n" + diamol.Result.Output);
        Assert.AreEqual($"fails ({code})", diamol.Summary, diamol.Result.All);
        StringAssert.Contains(diamol.Result.Output, message);
        Assert.IsTrue(diamol.EndlessBytes < 64L * 1024 * 1024, $"{diamol.EndlessBytes} bytes were read before the publish stopped reading");
        Assert.IsTrue(diamol.Elapsed < TimeSpan.FromMinutes(1), diamol.Elapsed.ToString());
        TortureTable.AssertDocumented(caseName, diamol, publish.PublishContainer());
    }
}
