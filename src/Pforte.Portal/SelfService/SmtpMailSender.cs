using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;
using Pforte.Core.SelfService;

namespace Pforte.Portal.SelfService;

/// <summary><c>Pforte:Smtp</c>: the mail server the portal sends the contact e-mail's confirmation link through.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Pforte:Smtp";

    /// <summary>Empty: no mail server; the portal says so and stores no address (PF-SELF-031).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c>, or <c>None</c> (only for a server on the same host or in tests).</summary>
    public string Security { get; set; } = "StartTls";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. portal@kasse.example.</summary>
    public string? From { get; set; }

    public string? FromName { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>Sends plain-text mail through the configured SMTP server with MailKit (one connection per mail: a handful a day).</summary>
public sealed class SmtpMailSender(IOptions<SmtpOptions> options) : IMailSender
{
    public bool IsConfigured => options.Value is { Host.Length: > 0, From.Length: > 0 };

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var o = options.Value;
        if (!IsConfigured)
        {
            throw new InvalidOperationException("No mail server is configured (Pforte:Smtp:Host, Pforte:Smtp:From).");
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName ?? "", o.From!));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Body = new TextPart("plain") { Text = mail.Body };
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        var security = o.Security switch
        {
            "None" => SecureSocketOptions.None,
            "SslOnConnect" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(o.Host!, o.Port, security, cancellationToken).ConfigureAwait(false);
        if (o.UserName is { Length: > 0 })
        {
            await client.AuthenticateAsync(o.UserName, o.Password ?? "", cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}

public static class SelfServiceRegistration
{
    /// <summary>The portal's part of the self-service: the SMTP sender in place of Core's "not configured".</summary>
    public static IServiceCollection AddPortalSelfService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.RemoveAll<IMailSender>();
        services.AddSingleton<IMailSender, SmtpMailSender>();
        return services;
    }
}
