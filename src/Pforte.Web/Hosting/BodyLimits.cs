using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// Enforces the <see cref="MaxLengthAttribute"/> of request bodies – the same attributes the OpenAPI document shows
/// as <c>maxLength</c> – so document and behaviour agree by construction: a longer text is a 400 <c>PF-REC-011</c>
/// naming the field by its JSON path (<c>source.callerId</c>), before the endpoint runs.
/// </summary>
public static class BodyLimits
{
    private sealed record Limit(PropertyInfo Property, string Name, int? MaxLength, bool Nested);

    private static readonly ConcurrentDictionary<Type, Limit[]> Limits = new();

    public static TBuilder CheckBodyLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            foreach (var argument in context.Arguments)
            {
                if (argument is not null && Check(argument, "") is { } error)
                {
                    return ProblemResults.Result(StatusCodes.Status400BadRequest, error);
                }
            }
            return await next(context).ConfigureAwait(false);
        });
        return builder;
    }

    /// <summary>Whether a body type has a bounded text (then PF-REC-011 is one of its 400 codes).</summary>
    public static bool HasLimits(Type type) => LimitsOf(type).Any(l => l.MaxLength is not null || l.Nested && HasLimits(l.Property.PropertyType));

    public static Error? Check(object body, string prefix)
    {
        ArgumentNullException.ThrowIfNull(body);
        foreach (var limit in LimitsOf(body.GetType()))
        {
            var value = limit.Property.GetValue(body);
            if (value is string text && limit.MaxLength is { } max && text.Length > max)
            {
                return new Error(ErrorCodes.FieldTooLong, prefix + limit.Name, max);
            }
            if (limit.Nested && value is not null && Check(value, prefix + limit.Name + ".") is { } nested)
            {
                return nested;
            }
        }
        return null;
    }

    private static Limit[] LimitsOf(Type type) => Limits.GetOrAdd(type, t => t.Namespace == typeof(Api.ApiEndpoints).Namespace
        ? [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new Limit(p, JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.GetCustomAttribute<MaxLengthAttribute>()?.Length,
                p.PropertyType.Namespace == typeof(Api.ApiEndpoints).Namespace && p.PropertyType.IsClass))
            .Where(l => l.MaxLength is not null || l.Nested)]
        : []);
}
