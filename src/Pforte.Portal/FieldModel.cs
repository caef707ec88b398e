namespace Pforte.Portal;

/// <summary>An error of a form, shown in the summary and (with <see cref="Field"/>) at its field.</summary>
/// <param name="Field">The id of the input it belongs to, or null for the whole form.</param>
/// <param name="Message">The German sentence.</param>
public sealed record FieldError(string? Field, string Message);

/// <summary>What the shared partial <c>_Field</c> needs to render one labelled input.</summary>
public sealed record FieldModel(string Id, string Name, string Label)
{
    public string Type { get; init; } = "text";
    public string? Value { get; init; }
    public string? Hint { get; init; }
    public string? Error { get; init; }
    public string? Autocomplete { get; init; } = "off";
    public string? InputMode { get; init; }
    public bool Required { get; init; } = true;
}
