using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ReconnectionFunctions.Hosting;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>
/// The web forms: self-contained pages (inline style and script, allowed by hash in the
/// Content-Security-Policy; nothing loaded from elsewhere). Without JavaScript a form posts as a
/// plain HTML form and the server answers with a thank-you page or the form again with its errors
/// and the person's input; with JavaScript the same form posts JSON and shows the answer in place.
/// </summary>
public static class FormPages
{
    private const string Style = """
        body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0}
        main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem 3rem}
        h1{font-size:1.6rem;line-height:1.25}
        .field,fieldset{margin:0 0 1.4rem;border:0;padding:0}
        label,legend{display:block;font-weight:600;margin-bottom:.25rem}
        fieldset label{font-weight:400;display:inline-flex;gap:.4rem;margin:0 1.2rem .3rem 0;align-items:center}
        .hint{color:#4a4a4a;margin:0 0 .35rem;font-size:.95rem}
        .error{color:#b00020;font-weight:600;margin:0 0 .35rem}
        .error:empty{display:none}
        input[type=text],input[type=email],select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.45rem .55rem;border:2px solid #595959;border-radius:4px}
        textarea{min-height:6rem;resize:vertical}
        input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:#b00020}
        input[type=checkbox],input[type=radio]{width:1.15rem;height:1.15rem}
        :focus-visible{outline:3px solid #1d5fbf;outline-offset:2px}
        button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#1d5fbf;color:#fff;cursor:pointer}
        button[disabled]{background:#767676}
        .summary{border:3px solid #b00020;padding:.8rem 1rem;margin:0 0 1.5rem}
        .summary h2{font-size:1.15rem;margin:0 0 .4rem}
        .summary a{color:#b00020}
        .thanks{border:3px solid #1e7b34;padding:.8rem 1rem}
        .hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        """;

    private const string Script = """
        (function () {
          var form = document.querySelector('form[data-enhance]');
          if (!form || !window.fetch || !window.JSON) { return; }
          var summary = document.getElementById('summary');
          var status = document.getElementById('status');
          var button = form.querySelector('button[type=submit]');
          var newKey = function () { return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2); };
          var key = newKey();
          var text = function (tag, value) { var node = document.createElement(tag); node.textContent = value; return node; };

          function clearErrors() {
            summary.hidden = true; summary.textContent = '';
            form.querySelectorAll('.error').forEach(function (e) { e.textContent = ''; });
            form.querySelectorAll('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
          }

          function showProblem(problem) {
            summary.appendChild(text('h2', problem.title || 'Something went wrong'));
            var errors = problem.errors || {};
            var names = Object.keys(errors);
            if (names.length === 0) { summary.appendChild(text('p', problem.detail || 'Please try again.')); }
            var list = document.createElement('ul');
            names.forEach(function (name) {
              var message = errors[name].join(' ');
              var field = document.getElementById('e-' + name);
              var control = document.getElementById('f-' + name) || form.querySelector('[name="' + name + '"]');
              if (field) { field.textContent = message; }
              if (control && control.type !== 'checkbox' && control.type !== 'radio') { control.setAttribute('aria-invalid', 'true'); }
              var item = document.createElement('li');
              if (control) { var link = text('a', (field ? field.dataset.label + ': ' : '') + message); link.href = '#' + (control.id || ''); item.appendChild(link); }
              else { item.textContent = name + ': ' + message; }
              list.appendChild(item);
            });
            if (names.length > 0) { summary.appendChild(list); }
            summary.hidden = false;
            summary.focus();
          }

          form.addEventListener('submit', function (event) {
            event.preventDefault();
            clearErrors();
            var data = {};
            Array.prototype.forEach.call(form.elements, function (el) {
              if (!el.name) { return; }
              if (el.dataset.kind === 'choices') { data[el.name] = data[el.name] || []; if (el.checked) { data[el.name].push(el.value); } }
              else if (el.dataset.kind === 'flag') { data[el.name] = el.checked; }
              else if (el.type === 'radio') { if (el.checked) { data[el.name] = el.value; } }
              else if (el.value !== '') { data[el.name] = el.value; }
            });
            button.disabled = true;
            status.textContent = 'Sending…';
            fetch(form.action, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'Idempotency-Key': key },
              body: JSON.stringify(data)
            }).then(function (response) {
              return response.json().catch(function () { return {}; }).then(function (body) {
                status.textContent = '';
                button.disabled = false;
                if (response.status === 202) {
                  var done = document.getElementById('done');
                  done.querySelector('[data-reference]').textContent = body.id;
                  form.hidden = true;
                  done.hidden = false;
                  done.focus();
                  return;
                }
                if (response.status !== 429 && response.status < 500) { key = newKey(); }
                showProblem(body);
              });
            }, function () {
              status.textContent = '';
              button.disabled = false;
              showProblem({ title: 'Could not reach the server', detail: 'Check your connection and send the form again.' });
            });
          });
        })();
        """;

    /// <summary>Only this page's own style and script may run; it may post only to this site.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src '{Hash(Style)}'; script-src '{Hash(Script)}'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>The form page: empty at <c>GET /api/forms/…</c>, or as the answer to a form post that failed.</summary>
    /// <param name="answeringPost">True when the page is the answer to a post, so its URL is the post route, not the form route.</param>
    public static IResult Form(SubmissionKind kind, IReadOnlyDictionary<string, StringValues>? values = null, Problem? problem = null, bool answeringPost = false)
    {
        var html = new StringBuilder();
        Open(html, kind.Title);
        html.Append("<h1>").Append(Encode(kind.Title)).Append("</h1><p>").Append(Encode(kind.Intro)).Append("</p>");
        Summary(html, kind, problem);
        // Relative, so the page works under any route prefix: from /api/forms/join it is ../join-requests; from /api/join-requests itself, join-requests.
        html.Append("<form method=\"post\" action=\"").Append(answeringPost ? "" : "../").Append(kind.PostRoute).Append("\" novalidate data-enhance>");
        foreach (var field in kind.Fields)
        {
            Field(html, field, values, problem?.Errors?.GetValueOrDefault(field.Name));
        }
        html.Append("<div class=\"hp\" aria-hidden=\"true\"><label for=\"f-website\">Leave this field empty</label>")
            .Append("<input type=\"text\" id=\"f-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>")
            .Append("<button type=\"submit\">").Append(Encode(kind.SubmitLabel)).Append("</button>")
            .Append("<p id=\"status\" role=\"status\"></p></form>");
        Thanks(html, kind, id: null, answeringPost);
        Close(html);
        return new HtmlResult(html.ToString(), problem?.Status ?? StatusCodes.Status200OK, problem?.RetryAfterSeconds);
    }

    public static IResult Received(SubmissionKind kind, string id)
    {
        var html = new StringBuilder();
        Open(html, kind.ThanksTitle);
        Thanks(html, kind, id, answeringPost: true);
        Close(html);
        return new HtmlResult(html.ToString(), StatusCodes.Status200OK, null);
    }

    private static void Summary(StringBuilder html, SubmissionKind kind, Problem? problem)
    {
        html.Append("<div class=\"summary\" id=\"summary\" role=\"alert\" tabindex=\"-1\"");
        if (problem is null)
        {
            html.Append(" hidden></div>");
            return;
        }
        html.Append(" autofocus><h2>").Append(Encode(problem.Title)).Append("</h2>");
        if (problem.Errors is not { Count: > 0 } errors)
        {
            html.Append("<p>").Append(Encode(problem.Detail)).Append("</p></div>");
            return;
        }
        html.Append("<ul>");
        foreach (var (name, messages) in errors)
        {
            var field = kind.Field(name);
            var message = string.Join(' ', messages);
            html.Append("<li>");
            if (field is null)
            {
                html.Append(Encode(name)).Append(": ").Append(Encode(message));
            }
            else
            {
                html.Append("<a href=\"#").Append(ControlId(field)).Append("\">").Append(Encode(field.Label.TrimEnd('.'))).Append(": ").Append(Encode(message)).Append("</a>");
            }
            html.Append("</li>");
        }
        html.Append("</ul></div>");
    }

    private static void Field(StringBuilder html, FieldSpec field, IReadOnlyDictionary<string, StringValues>? values, string[]? errors)
    {
        var posted = values?.GetValueOrDefault(field.Name) ?? StringValues.Empty;
        var id = "f-" + field.Name;
        var describedBy = (field.Hint is null ? "" : $"h-{field.Name} ") + $"e-{field.Name}";
        var invalid = errors is { Length: > 0 } ? " aria-invalid=\"true\"" : "";
        var required = field.Required ? " <span class=\"hint\">(required)</span>" : "";
        var error = $"<p class=\"error\" id=\"e-{field.Name}\" data-label=\"{Encode(field.Label.TrimEnd('.'))}\">{Encode(string.Join(' ', errors ?? []))}</p>";
        var hint = field.Hint is null ? "" : $"<p class=\"hint\" id=\"h-{field.Name}\">{Encode(field.Hint)}</p>";

        switch (field.Kind)
        {
            case FieldKind.Choices:
            case FieldKind.Choice when field.Choices!.Count <= 4:
                var type = field.Kind == FieldKind.Choices ? "checkbox" : "radio";
                var dataKind = field.Kind == FieldKind.Choices ? " data-kind=\"choices\"" : "";
                html.Append("<fieldset id=\"").Append(id).Append("\" aria-describedby=\"").Append(describedBy).Append("\"><legend>")
                    .Append(Encode(field.Label)).Append(required).Append("</legend>").Append(hint).Append(error);
                foreach (var choice in field.Choices!)
                {
                    var checkedAttribute = posted.Contains(choice.Value) ? " checked" : "";
                    html.Append("<label><input type=\"").Append(type).Append("\" name=\"").Append(field.Name).Append("\" id=\"").Append(id).Append('-').Append(choice.Value)
                        .Append("\" value=\"").Append(choice.Value).Append('"').Append(dataKind).Append(checkedAttribute).Append('>').Append(Encode(choice.Label)).Append("</label>");
                }
                html.Append("</fieldset>");
                return;

            case FieldKind.Choice:
                html.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(field.Label)).Append(required).Append("</label>")
                    .Append(hint).Append(error)
                    .Append("<select id=\"").Append(id).Append("\" name=\"").Append(field.Name).Append("\" aria-describedby=\"").Append(describedBy).Append('"').Append(invalid)
                    .Append("><option value=\"\">Choose…</option>");
                foreach (var choice in field.Choices!)
                {
                    html.Append("<option value=\"").Append(choice.Value).Append('"').Append(posted.ToString() == choice.Value ? " selected" : "")
                        .Append('>').Append(Encode(choice.Label)).Append("</option>");
                }
                html.Append("</select></div>");
                return;

            case FieldKind.Consent:
                html.Append("<div class=\"field\">").Append(error).Append("<label for=\"").Append(id).Append("\"><input type=\"checkbox\" id=\"").Append(id)
                    .Append("\" name=\"").Append(field.Name).Append("\" value=\"true\" data-kind=\"flag\" aria-describedby=\"").Append(describedBy).Append('"')
                    .Append(invalid).Append(field.Required ? " required" : "").Append(posted.Count > 0 ? " checked" : "").Append("> ")
                    .Append(Encode(field.Label)).Append("</label></div>");
                return;

            case FieldKind.Text:
                html.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(field.Label)).Append(required).Append("</label>")
                    .Append(hint).Append(error)
                    .Append("<textarea id=\"").Append(id).Append("\" name=\"").Append(field.Name).Append("\" rows=\"4\" maxlength=\"").Append(field.MaxLength)
                    .Append("\" aria-describedby=\"").Append(describedBy).Append('"').Append(invalid).Append('>')
                    .Append(Encode(posted.ToString())).Append("</textarea></div>");
                return;

            default:
                html.Append("<div class=\"field\"><label for=\"").Append(id).Append("\">").Append(Encode(field.Label)).Append(required).Append("</label>")
                    .Append(hint).Append(error)
                    .Append("<input type=\"").Append(field.Kind == FieldKind.Email ? "email" : "text").Append("\" id=\"").Append(id).Append("\" name=\"").Append(field.Name)
                    .Append("\" maxlength=\"").Append(field.MaxLength).Append("\" aria-describedby=\"").Append(describedBy).Append('"')
                    .Append(field.AutoComplete is null ? "" : $" autocomplete=\"{field.AutoComplete}\"").Append(field.Required ? " required" : "").Append(invalid)
                    .Append(" value=\"").Append(Encode(posted.ToString())).Append("\"></div>");
                return;
        }
    }

    /// <summary>The thank-you block: a page of its own without JavaScript, revealed in place with it.</summary>
    private static void Thanks(StringBuilder html, SubmissionKind kind, string? id, bool answeringPost)
    {
        html.Append("<section class=\"thanks\" id=\"done\" tabindex=\"-1\" role=\"status\"").Append(id is null ? " hidden" : " autofocus").Append("><h2>")
            .Append(Encode(kind.ThanksTitle)).Append("</h2><p>").Append(Encode(kind.ThanksText)).Append("</p><p>Reference: <strong data-reference>")
            .Append(Encode(id ?? "")).Append("</strong></p><p><a href=\"").Append(answeringPost ? "forms/" : "").Append(kind.FormRoute).Append("\">Back to the form</a></p></section>");
    }

    private static void Open(StringBuilder html, string title) =>
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Append(Encode(title)).Append("</title><style>").Append(Style).Append("</style></head><body><main>");

    private static void Close(StringBuilder html) => html.Append("</main><script>").Append(Script).Append("</script></body></html>");

    private static string ControlId(FieldSpec field) =>
        field.Kind == FieldKind.Choices || field.Kind == FieldKind.Choice && field.Choices!.Count <= 4
            ? $"f-{field.Name}-{field.Choices![0].Value}"
            : $"f-{field.Name}";

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Encode(string value) => Html.Encode(value);

    private static string Hash(string inline) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)));

    /// <summary>An HTML answer with the page's security headers.</summary>
    private sealed class HtmlResult(string html, int status, string? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers.CacheControl = "no-store";
            if (retryAfter is not null)
            {
                response.Headers.RetryAfter = retryAfter;
            }
            return response.WriteAsync(html, Encoding.UTF8);
        }
    }
}
