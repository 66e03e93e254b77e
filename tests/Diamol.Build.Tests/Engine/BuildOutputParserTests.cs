using Diamol.Build.Engine;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class BuildOutputParserTests
{
    private sealed class ListLog : IBuildLog
    {
        public List<string> Steps { get; } = [];
        public List<string> Details { get; } = [];
        public void Step(string message) => Steps.Add(message);
        public void Detail(string message) => Details.Add(message);
    }

    [TestMethod]
    public void Reads_the_legacy_builders_steps_and_cache_hits_even_when_split()
    {
        const string output =
            "Step 1/3 : FROM base\n ---> 3f9a1b2c3d4e\nStep 2/3 : ENV A=1\n ---> Using cache\n ---> 5a6b7c8d9e0f\n" +
            "Step 3/3 : COPY [\"layers/app/\", \"/app/\"]\n ---> 0123456789ab\nSuccessfully built 0123456789ab\n";
        var log = new ListLog();
        var parser = new BuildOutputParser(log);
        // Feed it in awkward pieces, as a network stream may.
        for (int i = 0; i < output.Length; i += 7) parser.Append(output.Substring(i, Math.Min(7, output.Length - i)));
        parser.Flush();

        Assert.AreEqual(3, parser.Steps.Count);
        CollectionAssert.AreEqual(new[] { false, true, false }, parser.Steps.Select(s => s.Cached).ToArray());
        Assert.AreEqual("ENV A=1", parser.Steps[1].Instruction);
        Assert.AreEqual("5a6b7c8d9e0f", parser.Steps[1].ImageId);
        Assert.AreEqual(3, log.Steps.Count);
        CollectionAssert.Contains(log.Details, "Successfully built 0123456789ab");
    }

    [TestMethod]
    public void Reads_podmans_output()
    {
        var parser = new BuildOutputParser(new ListLog());
        parser.Append("STEP 1/2: FROM base\nSTEP 2/2: ENV A=1\n--> Using cache 5a6b7c8d9e0f1234\n--> 5a6b7c8d9e0f\n");
        Assert.AreEqual(2, parser.Steps.Count);
        Assert.IsTrue(parser.Steps[1].Cached);
        Assert.AreEqual("5a6b7c8d9e0f", parser.Steps[1].ImageId);
    }

    [TestMethod]
    public void A_RUN_steps_output_is_shown_without_colour_escapes_and_its_end_kept_for_the_error()
    {
        var log = new ListLog();
        var parser = new BuildOutputParser(log);
        parser.Append("Step 2/3 : RUN make\n ---> Running in 0123456789ab\n");
        for (int i = 1; i <= 25; i++) parser.Append($"\u001b[32mline {i}\u001b[0m\n");
        parser.Append("\u001b[1;31merror: the reason\u001b[0m\n");
        parser.Flush();

        CollectionAssert.Contains(log.Steps, "  | error: the reason");
        CollectionAssert.Contains(log.Steps, "  | line 1");
        Assert.IsFalse(log.Steps.Concat(log.Details).Any(l => l.Contains('\u001b')), "escapes reached the log");
        Assert.AreEqual(20, parser.LastStepOutput.Count);
        Assert.AreEqual("error: the reason", parser.LastStepOutput[^1]);
        Assert.IsFalse(parser.LastStepOutput.Any(l => l.Contains("Running in", StringComparison.Ordinal)), "the builder's own lines are not the step's output");
    }
}
