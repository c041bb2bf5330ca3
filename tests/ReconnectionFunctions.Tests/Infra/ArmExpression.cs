using System.Globalization;
using System.Text;

namespace ReconnectionFunctions.Tests.Infra;

/// <summary>A value the evaluator cannot know offline (a variable, a deployment output), named by its path.</summary>
public sealed record Unknown(string Path);

/// <summary>A template's <c>fail()</c>: the deployment would stop with this message.</summary>
public sealed class TemplateFailure(string message) : Exception(message);

/// <summary>
/// Evaluates the small part of the ARM template expression language our compiled Bicep uses in
/// app settings: parameters, string literals and numbers, property access, and the functions
/// format, string, if, and, equals, empty, length, less and fail. Values only known at deployment
/// (variables, reference(...)) come back as <see cref="Unknown"/> with their path.
/// </summary>
public static class ArmExpression
{
    /// <param name="known">What deployment-time values resolve to, by path; null keeps them <see cref="Unknown"/>.</param>
    public static object? Evaluate(string text, IReadOnlyDictionary<string, object?> parameters, Func<string, object?>? known = null)
    {
        if (!text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal) || !text.EndsWith(']'))
        {
            return text;
        }
        var parser = new Parser(text[1..^1], parameters, known ?? (_ => null));
        var value = parser.Resolve(parser.Expression());
        parser.End();
        return value;
    }

    private sealed class Parser(string text, IReadOnlyDictionary<string, object?> parameters, Func<string, object?> known)
    {
        public object? Resolve(object? value) => value is Unknown unknown && known(unknown.Path) is { } resolved ? resolved : value;

        private int _position;

        public void End()
        {
            SkipSpace();
            if (_position != text.Length)
            {
                throw new FormatException($"Unexpected '{text[_position..]}' in [{text}]");
            }
        }

        /// <summary>An expression; <paramref name="skip"/> parses without evaluating (the branch if() does not take).</summary>
        public object? Expression(bool skip = false)
        {
            var value = Primary(skip);
            while (Peek('.'))
            {
                _position++;
                var property = Identifier();
                value = value is Unknown unknown ? new Unknown($"{unknown.Path}.{property}") : skip ? null
                    : throw new NotSupportedException($"Property access .{property} on {value}");
            }
            return value;
        }

        private object? Primary(bool skip)
        {
            SkipSpace();
            if (Peek('\''))
            {
                return StringLiteral();
            }
            if (char.IsDigit(text[_position]) || text[_position] == '-')
            {
                var start = _position++;
                while (_position < text.Length && char.IsDigit(text[_position]))
                {
                    _position++;
                }
                return long.Parse(text[start.._position], CultureInfo.InvariantCulture);
            }
            var name = Identifier();
            Expect('(');
            if (name == "if")
            {
                var condition = Expression(skip);
                Expect(',');
                var taken = !skip && condition is true;
                var whenTrue = Expression(skip || !taken);
                Expect(',');
                var whenFalse = Expression(skip || taken);
                Expect(')');
                return skip ? null : taken ? whenTrue : whenFalse;
            }
            var arguments = new List<object?>();
            SkipSpace();
            while (!Peek(')'))
            {
                arguments.Add(Expression(skip));
                SkipSpace();
                if (Peek(','))
                {
                    _position++;
                }
            }
            Expect(')');
            return skip ? null : Call(name, [.. arguments.Select(Resolve)]);
        }

        private object? Call(string name, List<object?> args) => name switch
        {
            "parameters" => parameters.TryGetValue((string)args[0]!, out var value) ? value
                : throw new KeyNotFoundException($"No value for parameter {args[0]}"),
            "variables" => new Unknown($"variables('{args[0]}')"),
            "reference" => new Unknown($"reference('{args[0]}')"),
            "format" => Format((string)args[0]!, args.Skip(1).ToList()),
            "string" => Text(args[0]),
            "equals" => Equals(args[0], args[1]),
            "and" => args.All(a => a is true),
            "empty" => args[0] switch { null => true, string s => s.Length == 0, _ => false },
            "length" => (long)((string)args[0]!).Length,
            "less" => (long)args[0]! < (long)args[1]!,
            "fail" => throw new TemplateFailure((string)args[0]!),
            _ => throw new NotSupportedException($"The evaluator does not know {name}()"),
        };

        private static object Format(string format, List<object?> args)
        {
            // An unknown argument keeps the whole value unknown, with the format visible in its path.
            if (args.OfType<Unknown>().Any())
            {
                return new Unknown($"format('{format}', {string.Join(", ", args.Select(a => a is Unknown u ? u.Path : Text(a)))})");
            }
            return string.Format(CultureInfo.InvariantCulture, format, [.. args.Select(Text)]);
        }

        private static string Text(object? value) => value switch
        {
            bool b => b ? "True" : "False",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };

        private string StringLiteral()
        {
            var builder = new StringBuilder();
            _position++;
            while (true)
            {
                var c = text[_position++];
                if (c == '\'')
                {
                    if (_position < text.Length && text[_position] == '\'')
                    {
                        builder.Append('\'');
                        _position++;
                        continue;
                    }
                    return builder.ToString();
                }
                builder.Append(c);
            }
        }

        private string Identifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }
            return start == _position ? throw new FormatException($"Expected a name at {_position} in [{text}]") : text[start.._position];
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!Peek(c))
            {
                throw new FormatException($"Expected '{c}' at {_position} in [{text}]");
            }
            _position++;
        }

        private bool Peek(char c) => _position < text.Length && text[_position] == c;

        private void SkipSpace()
        {
            while (_position < text.Length && text[_position] == ' ')
            {
                _position++;
            }
        }
    }
}
