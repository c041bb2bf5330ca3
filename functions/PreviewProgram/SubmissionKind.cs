namespace ReconnectionFunctions.PreviewProgram;

public enum FieldKind
{
    /// <summary>One email address.</summary>
    Email,

    /// <summary>One line of text.</summary>
    Line,

    /// <summary>Free text; line breaks allowed.</summary>
    Text,

    /// <summary>One of <see cref="FieldSpec.Choices"/> (radio buttons or a select).</summary>
    Choice,

    /// <summary>Any of <see cref="FieldSpec.Choices"/> (checkboxes, one control per value).</summary>
    Choices,

    /// <summary>A checkbox that must be ticked.</summary>
    Consent,
}

public sealed record Choice(string Value, string Label);

/// <summary>One field of a submission: its contract name, how people see it, and its rules.</summary>
public sealed record FieldSpec(string Name, string Label, FieldKind Kind, bool Required = false, string? Hint = null,
    IReadOnlyList<Choice>? Choices = null, int MaxLength = FieldSpec.MaxTextLength, string? AutoComplete = null)
{
    /// <summary>The contract's limit for any text a person types.</summary>
    public const int MaxTextLength = 4000;
}

/// <summary>
/// A kind of submission (join request, feedback): the one description its validation, storage,
/// mail and web form are all built from.
/// </summary>
public sealed record SubmissionKind(
    string Name,
    string TableName,
    string PostRoute,
    string FormRoute,
    string Title,
    string Intro,
    string SubmitLabel,
    string ThanksTitle,
    string ThanksText,
    IReadOnlyList<FieldSpec> Fields)
{
    /// <summary>The honeypot control: people never see it; bots that fill it are accepted and ignored.</summary>
    public const string Honeypot = "website";

    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The platforms of the seed's question "on which platforms does your product use OpenTok".</summary>
public static class Platforms
{
    public static readonly IReadOnlyList<Choice> All =
    [
        new("android", "Android"),
        new("ios", "iOS"),
        new("web", "Web"),
        new("windows", "Windows"),
        new("macos", "macOS"),
        new("linux", "Linux"),
        new("react-native", "React Native"),
        new("other", "Other"),
    ];
}

/// <summary>The preview program's two forms, worded from the seed README's own questions.</summary>
public static class Forms
{
    private static readonly IReadOnlyList<Choice> YesSometimesNo = [new("yes", "Yes"), new("sometimes", "Sometimes"), new("no", "No")];
    private static readonly IReadOnlyList<Choice> YesPartlyNo = [new("yes", "Yes"), new("partly", "Partly"), new("no", "No")];

    public static readonly SubmissionKind JoinRequest = new(
        Name: "join-request",
        TableName: "joinrequests",
        PostRoute: "join-requests",
        FormRoute: "join",
        Title: "Join the Automatic Reconnection developer preview",
        Intro: "Automatic Reconnection lets OpenTok clients reconnect to their session, resubscribe to streams and resend signals " +
               "after a temporary drop in connectivity, such as moving from Wi-Fi to LTE. Tell us about your product and we will send a " +
               "developer preview API key and secret to your contact email.",
        SubmitLabel: "Send my request",
        ThanksTitle: "Thank you: your request is in",
        ThanksText: "The preview team will send your developer preview API key and secret to your contact email. " +
                    "Sending this form again with the same email updates your request.",
        Fields:
        [
            new("email", "Contact email for this preview", FieldKind.Email, Required: true, AutoComplete: "email",
                Hint: "Your API key and secret will be sent here.", MaxLength: 254),
            new("name", "Your name", FieldKind.Line, AutoComplete: "name", MaxLength: 200),
            new("company", "Company or product", FieldKind.Line, AutoComplete: "organization", MaxLength: 200),
            new("platforms", "Platforms your product uses OpenTok on", FieldKind.Choices, Choices: Platforms.All),
            new("problems", "What problems do you hope Automatic Reconnection will solve?", FieldKind.Text),
            new("disconnectionsCommon", "Are session disconnections a common issue in your product?", FieldKind.Choice, Choices: YesSometimesNo),
            new("disconnectionCauses", "In your own investigations, what have been common causes of these disconnections?", FieldKind.Text),
            new("currentHandlingCode", "What does your code or architecture do about disconnections today?", FieldKind.Text),
            new("currentHandlingProduct", "What does your product or user experience do about disconnections today?", FieldKind.Text),
            new("consent", "I agree that the preview team may store these answers and contact me about the developer preview.", FieldKind.Consent, Required: true),
        ]);

    public static readonly SubmissionKind Feedback = new(
        Name: "feedback",
        TableName: "feedback",
        PostRoute: "feedback",
        FormRoute: "feedback",
        Title: "Feedback on Automatic Reconnection",
        Intro: "As you use the preview, tell us how Automatic Reconnection works for you. Every answer is optional, but please answer " +
               "at least one question or leave a comment.",
        SubmitLabel: "Send feedback",
        ThanksTitle: "Thank you for your feedback",
        ThanksText: "The preview team reads every answer.",
        Fields:
        [
            new("solvesConnectivity", "Are we solving your connectivity problem?", FieldKind.Choice, Choices: YesPartlyNo),
            new("solvesConnectivityComment", "Tell us more about your connectivity problem", FieldKind.Text),
            new("apiFitsUseCase", "Is the API solving your use case?", FieldKind.Choice, Choices: YesPartlyNo),
            new("apiFitsUseCaseComment", "Tell us more about your use case", FieldKind.Text),
            new("performsAsExpected", "Is the feature performing as you expected?", FieldKind.Choice, Choices: YesPartlyNo),
            new("performsAsExpectedComment", "Tell us more about how it performs", FieldKind.Text),
            new("comments", "Anything else?", FieldKind.Text),
            new("email", "Your email, if you would like a reply", FieldKind.Email, AutoComplete: "email", MaxLength: 254),
            new("platform", "Platform you tested on", FieldKind.Choice, Choices: Platforms.All),
            new("sdkVersion", "Client SDK version", FieldKind.Line, Hint: "For example 2.15.3.", MaxLength: 100),
            new("sessionId", "Session ID", FieldKind.Line, Hint: "Optional: a session this service created, if your feedback is about one call.",
                MaxLength: 512),
        ]);

    public static readonly IReadOnlyList<SubmissionKind> All = [JoinRequest, Feedback];

    /// <summary>The three questions of the feedback form; at least one of them (or a comment) is needed.</summary>
    public static readonly string[] FeedbackAnswers =
        ["solvesConnectivity", "apiFitsUseCase", "performsAsExpected", "solvesConnectivityComment", "apiFitsUseCaseComment", "performsAsExpectedComment", "comments"];
}
