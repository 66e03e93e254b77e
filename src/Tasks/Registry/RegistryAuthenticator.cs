using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// Answers a registry's 401: Basic with the login, or a Bearer token from the challenge's realm as the docker
/// token spec describes. Tokens are cached per scope set; the login is asked for once, on the first 401.
/// The order mirrors the SDK's AuthHandshakeMessageHandler.GetAuthenticationAsync: a user and password are sent
/// to the realm as Basic in a GET, falling back to the OAuth2 password grant (POST); an identity token is used
/// as an OAuth2 refresh token (POST); without a login the token is asked for anonymously.
/// </summary>
internal sealed class RegistryAuthenticator
{
    private const string ClientId = "diamol-build";
    // The token spec's default lifetime when the server names none.
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly string _registry;
    private readonly bool _insecure;
    private readonly RegistryTransport _transport;
    private readonly Lazy<RegistryLogin?> _login;
    private readonly ConcurrentDictionary<string, (AuthenticationHeaderValue Header, DateTimeOffset ExpiresAt)> _tokens = new();
    private volatile AuthenticationHeaderValue? _basic;

    private readonly Func<DateTimeOffset> _clock;
    private readonly Func<string, string?> _variable;

    public RegistryAuthenticator(string registry, bool insecure, RegistryTransport transport, Func<RegistryLogin?> credentials,
        Func<DateTimeOffset>? clock = null, Func<string, string?>? variable = null)
    {
        _variable = variable ?? Environment.GetEnvironmentVariable;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _registry = registry;
        _insecure = insecure;
        _transport = transport;
        _login = new Lazy<RegistryLogin?>(() => ReadLogin(credentials), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True once a login was asked for and one was found.</summary>
    public bool HasLogin => _login.IsValueCreated && _login.Value is not null;

    /// <summary>
    /// The header to send up front: Basic once the registry asked for it, else a live token for these scopes. A token
    /// is used until it expires, with no margin: a margin larger than a short token's life (5 s tokens are real) made
    /// every request go out bare, and a large upload draw a 401 and a closed connection. A token that expires on the
    /// way draws a 401, which <see cref="RegistryClient"/> answers with a new token, once.
    /// </summary>
    public AuthenticationHeaderValue? HeaderFor(IReadOnlyList<string> scopes)
    {
        if (_basic is { } basic) return basic;
        return _tokens.TryGetValue(Key(scopes), out var token) && token.ExpiresAt > _clock() ? token.Header : null;
    }

    public async Task<AuthenticationHeaderValue> AuthenticateAsync(AuthenticationChallenge challenge, RegistryRequest request, CancellationToken ct)
    {
        if (challenge.IsBasic)
        {
            var login = _login.Value;
            if (login is null) throw RegistryFailures.NoLoginFor(_registry, request.Repository, request.Description, "and no login for it was found");
            if (login.Username is null || login.Password is null)
            {
                throw RegistryFailures.NoLoginFor(_registry, request.Repository, request.Description,
                    "with a user name and password (Basic), but the login found for it is an identity token");
            }

            var header = BasicHeader(login.Username, login.Password);
            _basic = header;
            return header;
        }

        // Validate before asking for the login, so a hostile realm cannot even make us read it.
        Uri realm = TokenRealmPolicy.Validate(challenge.Realm!, _registry, request.Repository, _insecure, _variable);
        var scopes = request.Scopes.Concat(challenge.Scopes).Distinct(StringComparer.Ordinal).ToList();
        var token = await FetchTokenAsync(realm, challenge.Service, scopes, _login.Value, request, ct).ConfigureAwait(false);
        _tokens[Key(request.Scopes)] = token;
        return token.Header;
    }

    private async Task<(AuthenticationHeaderValue Header, DateTimeOffset ExpiresAt)> FetchTokenAsync(
        Uri realm, string? service, IReadOnlyList<string> scopes, RegistryLogin? login, RegistryRequest request, CancellationToken ct)
    {
        string description = $"the token request to {realm.Host} for {request.Description}";
        // The token's life is counted from before it was asked for: it cannot have been issued earlier.
        var asked = _clock();
        HttpResponseMessage response;
        if (login?.IdentityToken is { Length: > 0 } refreshToken)
        {
            response = await PostAsync(realm, service, scopes, [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
                request, description, ct).ConfigureAwait(false);
        }
        else
        {
            var query = new StringBuilder();
            if (service is not null) query.Append("service=").Append(Uri.EscapeDataString(service));
            foreach (string scope in scopes) query.Append(query.Length == 0 ? "" : "&").Append("scope=").Append(Uri.EscapeDataString(scope));
            var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
            var header = login is { Username: { } user, Password: { } password } ? BasicHeader(user, password) : null;
            response = await _transport.SendAsync(_ =>
            {
                var message = new HttpRequestMessage(HttpMethod.Get, uri);
                message.Headers.Authorization = header;
                return message;
            }, request.Repository, description, streamResponse: false, ct).ConfigureAwait(false);

            if (!response.IsSuccessStatusCode && login is { Username: { } oauthUser, Password: { } oauthPassword })
            {
                response.Dispose();
                response = await PostAsync(realm, service, scopes,
                    [("grant_type", "password"), ("username", oauthUser), ("password", oauthPassword)], request, description, ct)
                    .ConfigureAwait(false);
            }
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
                if ((int)response.StatusCode >= 500)
                    throw RegistryFailures.ServerFault(_registry, request.Repository, description, response.StatusCode, body.Summary);
                throw RegistryFailures.AuthenticationRefused(_registry, request.Repository, request.Description, response.StatusCode, body.Summary,
                    login is not null);
            }

            return ReadToken(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), asked, request, description);
        }
    }

    private Task<HttpResponseMessage> PostAsync(Uri realm, string? service, IReadOnlyList<string> scopes, (string, string)[] grant,
        RegistryRequest request, string description, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>(grant.Select(g => KeyValuePair.Create(g.Item1, g.Item2)))
        {
            KeyValuePair.Create("client_id", ClientId),
        };
        if (service is not null) form.Add(KeyValuePair.Create("service", service));
        // The OAuth2 form takes the scopes in one space-separated value.
        if (scopes.Count > 0) form.Add(KeyValuePair.Create("scope", string.Join(' ', scopes)));
        return _transport.SendAsync(_ => new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) },
            request.Repository, description, streamResponse: false, ct);
    }

    private (AuthenticationHeaderValue, DateTimeOffset) ReadToken(byte[] body, DateTimeOffset asked, RegistryRequest request, string description)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (string.IsNullOrEmpty(token))
                throw RegistryFailures.ProtocolBreak(_registry, request.Repository, description, "the token response has no token");
            var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out int seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultTokenLifetime;
            // The lifetime counts from when the answer arrived here, (from when it was asked for), not from issued_at: issued_at is the token
            // server's clock, and a server clock ahead of or behind ours would make tokens expire early or live on.
            return (new AuthenticationHeaderValue("Bearer", token), asked + lifetime);
        }
        catch (JsonException)
        {
            throw RegistryFailures.ProtocolBreak(_registry, request.Repository, description, "the token response is not JSON");
        }
    }

    private RegistryLogin? ReadLogin(Func<RegistryLogin?> credentials)
    {
        try
        {
            return credentials();
        }
        catch (DiamolException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw RegistryFailures.CredentialsUnreadable(_registry, e);
        }
    }

    private static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static string Key(IReadOnlyList<string> scopes) => string.Join(' ', scopes.Order(StringComparer.Ordinal));
}
