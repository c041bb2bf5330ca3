using System.Buffers;
using System.Text;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// Percent-encoding as Node's <c>querystring.escape</c> does it (the official token encoder):
/// UTF-8, upper-case hex, and <c>A-Z a-z 0-9 - _ . ! ~ * ' ( )</c> left as they are. The token
/// signature covers these exact bytes, so the encoder is part of the token format.
/// </summary>
public static class FormEncoding
{
    /// <summary>The most bytes one UTF-16 char can take once escaped: 3 UTF-8 bytes, 3 chars each.</summary>
    public const int MaxBytesPerChar = 9;

    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()");

    private static ReadOnlySpan<byte> UpperHex => "0123456789ABCDEF"u8;

    /// <summary>True when the text is well-formed UTF-16 (no lone surrogates), so it can be escaped.</summary>
    public static bool IsEncodable(ReadOnlySpan<char> value)
    {
        while (true)
        {
            var surrogate = value.IndexOfAnyInRange('\uD800', '\uDFFF');
            if (surrogate < 0)
            {
                return true;
            }
            value = value[surrogate..];
            if (Rune.DecodeFromUtf16(value, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }
            value = value[consumed..];
        }
    }

    /// <summary>Writes the escaped UTF-8 form of <paramref name="value"/>; returns the bytes written.</summary>
    public static int Escape(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var written = 0;
        Span<byte> utf8 = stackalloc byte[4];
        while (!value.IsEmpty)
        {
            var plain = value.IndexOfAnyExcept(Unreserved);
            var run = plain < 0 ? value : value[..plain];
            Ascii.FromUtf16(run, destination[written..], out var copied);
            written += copied;
            value = value[run.Length..];
            if (value.IsEmpty)
            {
                break;
            }

            if (Rune.DecodeFromUtf16(value, out var rune, out var consumed) != OperationStatus.Done)
            {
                throw new ArgumentException("Text with a lone surrogate cannot be percent-encoded.", nameof(value));
            }
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                destination[written++] = (byte)'%';
                destination[written++] = UpperHex[b >> 4];
                destination[written++] = UpperHex[b & 0xF];
            }
            value = value[consumed..];
        }
        return written;
    }

    /// <summary>Helper for tests and one-off callers: the escaped form as a string.</summary>
    public static string Escape(string value)
    {
        var buffer = new byte[value.Length * MaxBytesPerChar];
        return Encoding.ASCII.GetString(buffer, 0, Escape(value, buffer));
    }

    /// <summary>Appends <c>key=escaped(value)</c>, with a leading '&amp;' after the first pair.</summary>
    internal static int AppendPair(Span<byte> destination, int position, ReadOnlySpan<byte> key, ReadOnlySpan<char> value)
    {
        if (position > 0)
        {
            destination[position++] = (byte)'&';
        }
        key.CopyTo(destination[position..]);
        position += key.Length;
        destination[position++] = (byte)'=';
        return position + Escape(value, destination[position..]);
    }
}
