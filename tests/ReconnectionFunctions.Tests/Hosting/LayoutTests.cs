using System.Text.RegularExpressions;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>Rules of the layout that code review would otherwise have to remember.</summary>
public partial class LayoutTests
{
    [Fact]
    public void The_opentok_folder_uses_no_azure_functions_or_aspnet_types()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "functions", "OpenTok"), "*.cs");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var offending = HostingReference().Matches(File.ReadAllText(file)).Select(m => m.Value).ToArray();
            Assert.True(offending.Length == 0, $"{Path.GetFileName(file)} refers to {string.Join(", ", offending)}");
        }
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:7071" }, false)]
    [InlineData(new[] { "--host", "127.0.0.1", "--port", "50051", "--workerId", "w", "--requestId", "r", "--grpcMaxMessageLength", "1" }, true)]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:50051/", "--functions-worker-id", "w" }, true)]
    public void The_app_knows_when_the_functions_host_started_it(string[] args, bool expected)
    {
        Assert.Equal(expected, FunctionsHost.StartedThisProcess(args));
    }

    [GeneratedRegex(@"\b(Azure\.[A-Z]\w*|Microsoft\.Azure\.\w+|Microsoft\.AspNetCore\.\w+|Microsoft\.Extensions\.\w+)")]
    private static partial Regex HostingReference();
}
