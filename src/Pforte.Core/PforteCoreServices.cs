using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core;

public static class PforteCoreServices
{
    /// <summary>
    /// Registers the database and the use cases. Shared by the web host and the CLI so both read the same
    /// configuration keys and therefore use the same database. Options are read when first needed (not while
    /// registering), so every configuration source — including a test host's — is seen; a bad setting stops the
    /// start with its error code and sentence (ValidateOnStart).
    /// </summary>
    public static IServiceCollection AddPforteCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddDbContext<PforteDbContext>((sp, b) =>
        {
            var resolved = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Resolve().Value;
            DatabaseSetup.Configure(b, resolved.Provider, resolved.ConnectionString);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<AuditLog>();
        services.AddScoped<CreateKasse>();
        services.AddScoped<CreateApiClient>();
        services.AddScoped<AuthenticateApiKey>();
        services.AddSingleton<Insured.Import.InsuredValidator>();
        services.AddScoped<Insured.Import.UpsertInsured>();
        services.AddScoped<Insured.Import.ImportInsured>();
        return services;
    }

    private sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
            options.Resolve().TryGetValue(out _, out var error)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{error.Code}: {error.Message}");
    }
}
