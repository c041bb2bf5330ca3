using System.Text.Json;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c> as <c>func start</c> does, falling back to
/// <c>local.settings.sample.json</c> on a fresh clone. Keys written <c>OpenTok__ApiKey</c> become
/// <c>OpenTok:ApiKey</c>, as environment variables do.
/// </summary>
public static class LocalSettingsFile
{
    public const string FileName = "local.settings.json";
    public const string SampleFileName = "local.settings.sample.json";

    /// <summary>The settings file nearest to one of the start folders, walking up; null when there is none.</summary>
    public static string? Find(params string[] startDirectories)
    {
        foreach (var start in startDirectories)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var name in new[] { FileName, SampleFileName })
                {
                    var path = Path.Combine(directory.FullName, name);
                    if (File.Exists(path))
                    {
                        return path;
                    }
                }
            }
        }
        return null;
    }

    public static Dictionary<string, string?> ReadValues(string path)
    {
        using var stream = File.OpenRead(path);
        using var json = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = json.RootElement;
        if (root.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
        {
            throw new InvalidOperationException($"{path} is encrypted; the local server reads only plain settings. Run 'func settings decrypt' first.");
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in section.EnumerateObject())
            {
                values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.ValueKind switch
                {
                    JsonValueKind.String => setting.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => setting.Value.GetRawText(),
                };
            }
        }
        return values;
    }
}
