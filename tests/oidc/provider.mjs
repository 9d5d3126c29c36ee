// OpenID Connect provider for the tests (oidc-provider, a certified implementation), started by
// `scripts/services oidc`. Listens on 127.0.0.1:$OIDC_PORT (default 8557) with the issuer
// http://127.0.0.1:$OIDC_PORT; discovery at /.well-known/openid-configuration.
//
// - Clients register themselves (open dynamic registration, POST /reg, no initial access token),
//   with http://127.0.0.1 redirect URIs, token_endpoint_auth_method client_secret_basic or
//   client_secret_post. Authorization code flow only; PKCE (S256) is required of every client.
// - Any e-mail address is an account: sub = email = the address typed; email_verified is false
//   only for addresses starting with "unverified"; name is the part before @, capitalised. The ID
//   token carries email, email_verified and name (conformIdTokenClaims: false).
// - Interactions: GET /interaction/:uid completes login and consent at once when the
//   authorization request carried login_hint (the account is login_hint) and the client was
//   registered with client_name "auto-login" (what the API tests do); otherwise it shows a form
//   (e-mail input #email, filled with login_hint, button "Sign in") posting to
//   /interaction/:uid/login.
// - Test hooks: POST /__test/forge {"client_id", "claims": {...}, "foreign_key": bool} rewrites
//   the ID token of that client's next successful token response (claims merged in, a null
//   value removes the claim; re-signed with the provider's key, or with a foreign key under the
//   same kid); GET /__test/health answers "ok".
import { CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';
// The package's own in-memory adapter, over a store larger than its default (1000 entries), so
// that a provider serving many test runs does not drop clients or sessions still in use.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const PORT = Number(process.env.OIDC_PORT || 8557);
const ISSUER = `http://127.0.0.1:${PORT}`;
const KID = 'raasel-test-rs256';
const CLOCK_TOLERANCE = 15;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };

const store = new LRU({ maxSize: 200_000 });

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const displayName = (email) => {
  const local = String(email).split('@')[0];
  return local.charAt(0).toUpperCase() + local.slice(1);
};

// The login prompt is also requested when login_hint names someone else than the session's
// account, so a cookie jar reused across accounts does not log in the previous account silently.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint_mismatch',
  'login_hint and the authenticated subject differ',
  (ctx) => {
    const { oidc } = ctx;
    const hint = oidc.params.login_hint;
    if (hint === undefined || !oidc.session.accountId || oidc.result?.login) {
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }
    return oidc.session.accountId === hint
      ? interactionPolicy.Check.NO_NEED_TO_PROMPT
      : interactionPolicy.Check.REQUEST_PROMPT;
  },
));

const provider = new Provider(ISSUER, {
  adapter: (model) => new MemoryAdapter(model, store, CLOCK_TOLERANCE),
  clockTolerance: CLOCK_TOLERANCE,
  jwks: { keys: [signingJwk] },
  cookies: {
    keys: ['raasel-test-oidc-cookie-key-1', 'raasel-test-oidc-cookie-key-0'],
  },
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  clientDefaults: {
    application_type: 'web',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  responseTypes: ['code'],
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // The ID token carries the claims of the scopes granted (the server reads them from it).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: false },
  },
  interactions: {
    policy,
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: !id.startsWith('unverified'),
          name: displayName(id),
        };
      },
    };
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 120,
    ClientCredentials: 600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
    RefreshToken: 24 * 3600,
  },
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Test identity provider: error</title></head><body><h1>Error</h1>${Object.entries(out).map(([k, v]) => `<pre><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</pre>`).join('')}</body></html>`;
  },
});

for (const event of ['server_error', 'authorization.error', 'grant.error', 'registration_create.error', 'userinfo.error', 'jwks.error', 'discovery.error']) {
  provider.on(event, (ctx, err) => {
    console.log(`  ${event}: ${err?.name ?? 'Error'}: ${err?.message}${err?.error_description ? ` (${err.error_description})` : ''}`);
  });
}

// One line per request.
provider.use(async (ctx, next) => {
  const started = Date.now();
  try {
    await next();
  } finally {
    console.log(`${ctx.method} ${ctx.path} ${ctx.status} ${Date.now() - started}ms`);
  }
});

// Armed forgeries: client_id -> { claims, foreignKey }; each applies to one token response.
const forgeries = new Map();

const sign = (header, payload, key) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
  .setProtectedHeader(header)
  .sign(key);

provider.use(async (ctx, next) => {
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 200) return;
  const clientId = ctx.oidc?.client?.clientId;
  const forgery = clientId && forgeries.get(clientId);
  const body = ctx.body;
  if (!forgery || !body || typeof body !== 'object' || typeof body.id_token !== 'string') return;
  forgeries.delete(clientId);
  const header = decodeProtectedHeader(body.id_token);
  const payload = decodeJwt(body.id_token);
  for (const [name, value] of Object.entries(forgery.claims)) {
    if (value === null) delete payload[name];
    else payload[name] = value;
  }
  let key;
  if (forgery.foreignKey) {
    ({ privateKey: key } = await generateKeyPair('RS256'));
  } else {
    key = await importJWK(signingJwk, 'RS256');
  }
  body.id_token = await sign({ ...header, alg: 'RS256', kid: KID }, payload, key);
  console.log(`  forged the ID token for ${clientId}: ${JSON.stringify(forgery.claims)}${forgery.foreignKey ? ' (foreign key)' : ''}`);
});

async function readBody(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > 1 << 20) ctx.throw(413, 'body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid, details, error) {
  const client = details.params.client_id;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test identity provider</title></head>
<body>
<h1>Test identity provider</h1>
<p>Signing in to ${escapeHtml(client)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">E-mail</label>
<input name="email" type="email" id="email" autocomplete="email" autofocus value="${escapeHtml(details.params.login_hint || '')}">
<button type="submit">Sign in</button>
</form>
</body>
</html>`;
}

// Logs accountId in and grants the client everything it asked for (scopes and claims).
async function complete(ctx, details, accountId) {
  const { params, grantId } = details;
  let grant = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId || grant.clientId !== params.client_id) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  grant.addOIDCScope(String(params.scope || 'openid'));
  if (params.claims) {
    try {
      const claims = JSON.parse(params.claims);
      const names = new Set([...Object.keys(claims.id_token ?? {}), ...Object.keys(claims.userinfo ?? {})]);
      if (names.size) grant.addOIDCClaims([...names]);
    } catch {
      // the provider has validated the claims parameter already
    }
  }
  // Someone else is logged in (the cookie jar came from an earlier login): end that session here,
  // rather than through the provider's logout confirmation (a self-submitting form, which only a
  // browser goes through), so the login goes straight on for any client.
  if (details.session?.accountId && details.session.accountId !== accountId) {
    const previous = details.session.uid && await provider.Session.findByUid(details.session.uid);
    if (previous) await previous.destroy();
    delete details.session;
  }
  details.result = { login: { accountId }, consent: { grantId: await grant.save() } };
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  ctx.redirect(details.returnTo);
  ctx.status = 303;
}

async function interactionDetails(ctx) {
  try {
    return await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    ctx.status = 400;
    ctx.type = 'text';
    ctx.body = `interaction not found: ${err.message} (the _interaction cookie must be sent)`;
    return undefined;
  }
}

provider.use(async (ctx, next) => {
  const path = ctx.path;

  if (path === '/__test' || path.startsWith('/__test/')) {
    if (ctx.method === 'GET' && path === '/__test/health') {
      ctx.type = 'text';
      ctx.body = 'ok';
      return;
    }
    if (ctx.method === 'POST' && path === '/__test/forge') {
      let input;
      try {
        input = JSON.parse(await readBody(ctx));
      } catch {
        ctx.throw(400, 'the body must be JSON');
      }
      const clientId = input?.client_id;
      const claims = input?.claims ?? {};
      if (typeof clientId !== 'string' || !clientId) ctx.throw(400, 'client_id is required');
      if (typeof claims !== 'object' || Array.isArray(claims)) ctx.throw(400, 'claims must be an object');
      if (!(await provider.Client.find(clientId))) ctx.throw(400, `no client ${clientId}`);
      forgeries.set(clientId, { claims, foreignKey: input.foreign_key === true });
      ctx.status = 204;
      return;
    }
    ctx.status = 404;
    ctx.body = 'not found';
    return;
  }

  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
  if (!match) {
    await next();
    return;
  }
  const [, uid, login] = match;
  ctx.set('Cache-Control', 'no-store');

  if (!login && ctx.method === 'GET') {
    const details = await interactionDetails(ctx);
    if (!details) return;
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const hint = details.params.login_hint;
    const client = await provider.Client.find(String(details.params.client_id));
    if (hint && client?.clientName === 'auto-login') {
      await complete(ctx, details, String(hint));
      return;
    }
    // Logged in already (the session cookie came along): only consent is missing.
    if (details.prompt.name !== 'login' && details.session?.accountId) {
      await complete(ctx, details, details.session.accountId);
      return;
    }
    ctx.type = 'html';
    ctx.body = loginPage(uid, details);
    return;
  }

  if (login && ctx.method === 'POST') {
    const details = await interactionDetails(ctx);
    if (!details) return;
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const email = new URLSearchParams(await readBody(ctx)).get('email')?.trim();
    if (!email) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = loginPage(uid, details, 'Type an e-mail address.');
      return;
    }
    await complete(ctx, details, email);
    return;
  }

  ctx.status = 405;
  ctx.body = 'method not allowed';
});

const server = provider.listen(PORT, '127.0.0.1', () => {
  console.log(`oidc provider ${ISSUER} (pid ${process.pid}, cwd ${process.cwd()})`);
});
server.on('error', (err) => {
  console.error(`cannot listen on 127.0.0.1:${PORT}: ${err.message}`);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
