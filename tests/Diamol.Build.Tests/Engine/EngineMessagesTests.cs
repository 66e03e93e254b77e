using System.Net;
using Diamol.Build.Common;
using Diamol.Build.Engine;
using Diamol.Build.Tests.Pipeline;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class EngineMessagesTests
{
    [TestMethod]
    public async Task Status_lines_without_a_progress_bar_are_details_and_an_error_message_is_the_failure()
    {
        using var idle = new IdleTimeout(TimeSpan.FromMinutes(1), CancellationToken.None);
        var log = new ListBuildLog();
        var seen = new List<string?>();
        var messages = new EngineMessages(idle, log, also: m => seen.Add(m.ID));

        string? failure = await messages.RunAsync(progress =>
        {
            progress.Report(new JSONMessage { ID = "abc", Status = "Pushed" });
            progress.Report(new JSONMessage { ID = "def", Status = "Pushing", Progress = new JSONProgress { Current = 1, Total = 2 } });
            progress.Report(new JSONMessage { Stream = "ignored without streamLines\n" });
            progress.Report(new JSONMessage { ID = "ghi", Error = new JSONError { Message = "denied: requested access to the resource is denied" } });
            return Task.CompletedTask;
        });

        Assert.AreEqual("denied: requested access to the resource is denied", failure);
        Assert.AreEqual(failure, messages.Failure);
        CollectionAssert.AreEqual(new[] { "abc Pushed" }, log.Lines);
        CollectionAssert.AreEqual(new[] { "abc", "def", null, "ghi" }, seen);
    }

    [TestMethod]
    public async Task A_load_prints_its_stream_lines_and_a_refused_request_fails_in_the_engines_words()
    {
        using var idle = new IdleTimeout(TimeSpan.FromMinutes(1), CancellationToken.None);
        var log = new ListBuildLog();

        string? loaded = await new EngineMessages(idle, log, streamLines: true).RunAsync(progress =>
        {
            progress.Report(new JSONMessage { Stream = "Loaded image: app:1\n" });
            return Task.CompletedTask;
        });
        string? refused = await new EngineMessages(idle, log).RunAsync(_ =>
            throw new DockerApiException(HttpStatusCode.BadRequest, " unexpected EOF \n"));

        Assert.IsNull(loaded);
        CollectionAssert.AreEqual(new[] { "Loaded image: app:1" }, log.Lines);
        Assert.AreEqual("400 unexpected EOF", refused);
    }
}
