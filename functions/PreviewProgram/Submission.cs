using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>
/// A submission whose every value passed its field's rules, in canonical form: trimmed text with
/// '\n' line breaks, choices by their contract value, emails lower-cased, consent true.
/// </summary>
public sealed class Submission
{
    public Submission(SubmissionKind kind, IReadOnlyDictionary<string, object> values)
    {
        Kind = kind;
        Values = values;
        Fingerprint = ComputeFingerprint();
    }

    public SubmissionKind Kind { get; }

    /// <summary>Field name → string, string[] (choices) or true (consent); absent when not given.</summary>
    public IReadOnlyDictionary<string, object> Values { get; }

    /// <summary>SHA-256 of the canonical values: equal for equal submissions, whether posted as JSON or as a form.</summary>
    public string Fingerprint { get; }

    public string? Email => Values.TryGetValue("email", out var email) ? (string)email : null;

    /// <summary>Writes each given field as its own column (choices comma-separated).</summary>
    public void WriteTo(TableEntity row)
    {
        foreach (var field in Kind.Fields)
        {
            if (Values.TryGetValue(field.Name, out var value))
            {
                row[field.Name] = value is string[] list ? string.Join(',', list) : value;
            }
        }
    }

    private string ComputeFingerprint()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind.Name);
            foreach (var field in Kind.Fields)
            {
                switch (Values.GetValueOrDefault(field.Name))
                {
                    case string text:
                        json.WriteString(field.Name, text);
                        break;
                    case string[] list:
                        json.WriteStartArray(field.Name);
                        foreach (var item in list)
                        {
                            json.WriteStringValue(item);
                        }
                        json.WriteEndArray();
                        break;
                    case bool flag:
                        json.WriteBoolean(field.Name, flag);
                        break;
                }
            }
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>A short, stable hash of a value, for keys that must not carry the value itself.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
