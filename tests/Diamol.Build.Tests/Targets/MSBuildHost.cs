using Microsoft.Build.Locator;

namespace Diamol.Build.Tests.Targets;

/// <summary>Points this process at the SDK's MSBuild before any MSBuild type is touched.</summary>
[TestClass]
public static class MSBuildHost
{
    [AssemblyInitialize]
    public static void Register(TestContext context)
    {
        if (!MSBuildLocator.IsRegistered) MSBuildLocator.RegisterDefaults();
    }
}
