using Microsoft.Extensions.Options;

namespace Pforte.Core.Ivr;

/// <summary><c>Pforte:Ivr</c>: the phone dialogue (ADR 0027, docs/ivr.md).</summary>
public sealed class IvrOptions
{
    public const string Section = "Pforte:Ivr";

    /// <summary>Tries per field (invalid input or no input) before the call goes to an agent.</summary>
    public int MaxTries { get; set; } = 3;

    /// <summary>Checks by the machine procedure per call that may fail before the call goes to an agent.</summary>
    public int MaxFailedChecks { get; set; } = 3;

    /// <summary>How long the platform waits for the first key of an input (told to it with each turn).</summary>
    public TimeSpan InputTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A call without a turn for this long is gone (its inputs get PF-IVR-002).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an ended or expired call stays readable as hand-over record before it is purged.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Read the keyed insurance number back and ask for 1 (right) or 2 (again) before the card digits.</summary>
    public bool ReadBackKvnr { get; set; } = true;

    /// <summary>VoiceXML: where the agent transfer goes ("tel:+49…" or a SIP URI); null = the document exits and the platform transfers.</summary>
    public string? AgentDestination { get; set; }

    /// <summary>The keypad simulator: the API client (of the only Kasse, or <c>Pforte:Portal:KasseIk</c>) it acts as; null switches it off.</summary>
    public string? SimulatorClient { get; set; } = "ivr-demo";
}

internal sealed class IvrOptionsValidator : IValidateOptions<IvrOptions>
{
    public ValidateOptionsResult Validate(string? name, IvrOptions o)
    {
        var errors = new List<string>();
        if (o.MaxTries is < 1 or > 5)
        {
            errors.Add("Pforte:Ivr:MaxTries muss zwischen 1 und 5 liegen.");
        }
        if (o.MaxFailedChecks is < 1 or > 10)
        {
            errors.Add("Pforte:Ivr:MaxFailedChecks muss zwischen 1 und 10 liegen.");
        }
        if (o.InputTimeout < TimeSpan.FromSeconds(3) || o.InputTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("Pforte:Ivr:InputTimeout muss zwischen 3 und 60 Sekunden liegen.");
        }
        if (o.CallTimeout < TimeSpan.FromMinutes(1) || o.CallTimeout > TimeSpan.FromHours(2))
        {
            errors.Add("Pforte:Ivr:CallTimeout muss zwischen 1 Minute und 2 Stunden liegen.");
        }
        if (o.Retention < TimeSpan.Zero || o.Retention > TimeSpan.FromDays(7))
        {
            errors.Add("Pforte:Ivr:Retention muss zwischen 0 und 7 Tagen liegen.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
