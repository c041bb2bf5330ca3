using System.Reflection;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>Files of the repository the tests read: the shipped sample settings and the app's build output.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleSettings => Path.Combine(Root, "local.settings.sample.json");

    /// <summary>The function app's build output for the configuration these tests were built in.</summary>
    public static string FunctionsOutput
    {
        get
        {
            var configuration = typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(Root, "functions", "bin", configuration, "net10.0");
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReconnectionFunctions.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The tests run from inside the repository.");
    }
}
