// The browser sign-in, shared by its end to end test (t/e2e/browser.mjs,
// run by t/e2e/browser.sh) and the demo (demo/browser.mjs, run by
// util/demo): Debian's chromium, driven by puppeteer-core, signs in
// through nginx with the module against oidc-provider standing in for
// Cognito's hosted UI.  The npm packages come from t/e2e/package.json,
// installed into a cache outside the repository by util/npm-cache.
//
// Everything listens on 127.0.0.1: the provider (Cognito's paths
// /oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout and the pool's
// /<pool_id>/.well-known/jwks.json; tokens signed with the pool's real
// issuer URL and shaped as Cognito's), a backend that echoes the trusted
// headers nginx sets, and nginx (browser.conf.in).
//
//   await start(options)    the provider, the backend and nginx
//   await walk(step)        the steps; step(title) is called as each
//                           begins, the first that fails throws
//   await stop()            chromium and nginx stopped

import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const POOL_ID = 'us-east-1_E2eBrowsr';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'e2ebrowserclient0000000000';
const RESOURCE = 'urn:e2e:cognito-access';
const TTL = 70;            // access and id tokens; refreshed at TTL - 60 s

export const USER = {
    name: 'alice', password: 'correct horse', sub: randomUUID(),
};

// set by start()
let opt = null;
let puppeteer = null;
let Provider = null;
let SITE = '';
let IDP = '';
const children = [];
let browser = null;

function check(ok, what, detail) {
    if (!ok) {
        throw new Error(what + (detail === undefined ? ''
            : `: ${typeof detail === 'string' ? detail
                                               : JSON.stringify(detail)}`));
    }
}

// --- the provider -----------------------------------------------------------

const seen = { grants: [], grantErrors: [], revoked: 0, revokeStatus: [],
               logout: [] };
const originJti = new Map();    // accountId -> origin_jti of its sign-in

// the provider's notes about what a stand-in does on purpose (its
// in-memory store, an https issuer served over http on 127.0.0.1)
const quiet = new RegExp('^oidc-provider (WARNING|NOTICE): ('
    + 'a quick start development-only in-memory adapter'
    + '|x-forwarded-proto header not detected'
    + '|default features\\.revocation\\.allowedPolicy)');
for (const f of ['warn', 'info']) {
    const orig = console[f];
    console[f] = (...a) => {
        if (!quiet.test(String(a[0]))) {
            orig(...a);
        }
    };
}

function startProvider() {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    jwk.kid = 'e2e-' + randomBytes(6).toString('hex');
    jwk.alg = 'RS256';
    jwk.use = 'sig';

    const provider = new Provider(ISSUER, {
        clients: [{
            client_id: CLIENT_ID,
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            redirect_uris: [`${SITE}/oauth2/callback`],
        }],
        jwks: { keys: [jwk] },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        routes: {
            authorization: '/oauth2/authorize',
            token: '/oauth2/token',
            revocation: '/oauth2/revoke',
            userinfo: '/oauth2/userInfo',
            jwks: `/${POOL_ID}/.well-known/jwks.json`,
            end_session: '/oidc/session/end',    // Cognito's /logout below
        },
        scopes: ['openid', 'email', 'aws.cognito.signin.user.admin'],
        claims: {
            openid: ['sub', 'cognito:username', 'cognito:groups',
                     'token_use', 'origin_jti', 'event_id'],
            email: ['email', 'email_verified'],
        },
        conformIdTokenClaims: false,    // Cognito's id token has them all
        pkce: { required: () => true },
        ttl: { AccessToken: TTL, IdToken: TTL, AuthorizationCode: 60,
               Interaction: 300, Session: 3600, Grant: 3600,
               RefreshToken: 3600 },
        issueRefreshToken: () => true,  // Cognito: no offline_access needed
        // Cognito's refresh-token rotation (an app client's option): each
        // refresh token is good once; oidc-provider also revokes the grant
        // when a rotated one comes again, so a session whose parallel
        // requests each refreshed would end
        rotateRefreshToken: true,
        features: {
            devInteractions: { enabled: false },
            revocation: { enabled: true },
            resourceIndicators: {
                enabled: true,
                defaultResource: () => RESOURCE,
                useGrantedResource: () => true,
                getResourceServerInfo: () => ({
                    scope: 'aws.cognito.signin.user.admin',
                    accessTokenFormat: 'jwt',
                    accessTokenTTL: TTL,
                    jwt: { sign: { alg: 'RS256' } },
                }),
            },
        },
        interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
        findAccount: (ctx, id) => ({
            accountId: id,
            claims: (use) => ({
                sub: id,
                'cognito:username': USER.name,
                'cognito:groups': ['admins', 'readers'],
                email: 'alice@example.com',
                email_verified: true,
                token_use: use === 'id_token' ? 'id' : undefined,
                origin_jti: originJti.get(id),
                event_id: randomUUID(),
            }),
        }),
        // an access token as Cognito's: no aud, token_use, username, ...
        extraTokenClaims: (ctx, token) => token.kind !== 'AccessToken' ? {}
            : { token_use: 'access', username: USER.name,
                'cognito:groups': ['admins', 'readers'],
                origin_jti: originJti.get(token.accountId),
                event_id: randomUUID() },
        formats: {
            customizers: {
                // Cognito's access token has no aud; oidc-provider insists
                // on one, so it stays, not enumerable: left out of the JSON
                jwt: (ctx, token, jwt) => {
                    Object.defineProperty(jwt.payload, 'aud',
                        { value: jwt.payload.aud, enumerable: false });
                    return jwt;
                },
            },
        },
    });

    provider.on('grant.success', (ctx) => {
        seen.grants.push(ctx.oidc.params.grant_type);
    });
    provider.on('grant.error', (ctx, err) => {
        seen.grantErrors.push(`${ctx.oidc.params?.grant_type}: ${err.message}`
                              + (err.error_detail ? ` (${err.error_detail})`
                                                  : ''));
    });
    provider.on('grant.revoked', () => { seen.revoked++; });
    provider.on('server_error', (ctx, err) => {
        console.error('provider server_error:', err);
    });

    const callback = provider.callback();

    const server = http.createServer(async (rq, rs) => {
        const url = new URL(rq.url, IDP);
        if (opt.debug) {
            rs.on('finish', () => console.error('provider:', rq.method,
                rq.url, rs.statusCode, rs.getHeader('location') ?? ''));
        }
        try {
            if (url.pathname.startsWith('/interaction/')) {
                await interaction(provider, rq, rs, url);
                return;
            }
            if (url.pathname === '/logout') {
                cognitoLogout(rq, rs, url);
                return;
            }
            if (url.pathname === '/oauth2/revoke') {
                rs.on('finish', () => seen.revokeStatus.push(rs.statusCode));
            }
            callback(rq, rs);
        } catch (e) {
            console.error('provider:', e);
            rs.statusCode = 500;
            rs.end(String(e.message));
        }
    });

    return listen(server, opt.providerPort);
}

function page(title, body) {
    return `<!doctype html><html><head><title>${title}</title></head>` +
           `<body>${body}</body></html>`;
}

function readForm(rq) {
    return new Promise((resolve, reject) => {
        let b = '';
        rq.setEncoding('utf8');
        rq.on('data', (d) => { b += d; });
        rq.on('end', () => resolve(new URLSearchParams(b)));
        rq.on('error', reject);
    });
}

// the hosted UI's sign-in form: a user name and password; then, as
// Cognito asks no consent, what the client asked for is granted at once
async function interaction(provider, rq, rs, url) {
    const details = await provider.interactionDetails(rq, rs);
    let error = '';

    if (details.prompt.name === 'consent') {
        const grant = details.grantId
            ? await provider.Grant.find(details.grantId)
            : new provider.Grant({ accountId: details.session.accountId,
                                   clientId: CLIENT_ID });
        const missing = details.prompt.details;
        if (missing.missingOIDCScope) {
            grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        }
        for (const [rs_, scopes] of
             Object.entries(missing.missingResourceScopes || {}))
        {
            grant.addResourceScope(rs_, scopes.join(' '));
        }
        await provider.interactionFinished(rq, rs, {
            consent: { grantId: await grant.save() },
        }, { mergeWithLastSubmission: true });
        return;
    }

    if (rq.method === 'POST') {
        const form = await readForm(rq);
        if (form.get('username') === USER.name
            && form.get('password') === USER.password)
        {
            originJti.set(USER.sub, randomUUID());
            await provider.interactionFinished(rq, rs, {
                login: { accountId: USER.sub },
            }, { mergeWithLastSubmission: false });
            return;
        }
        error = '<p id="error">Incorrect username or password.</p>';
    }

    rs.setHeader('Content-Type', 'text/html; charset=utf-8');
    rs.end(page('Sign in', `<h1>Sign in</h1>
<p>A stand-in for Cognito's hosted UI (user ${USER.name}).</p>${error}
<form method="post" action="${url.pathname}">
<input id="username" name="username" autocomplete="username"
 placeholder="user name">
<input id="password" name="password" type="password"
 placeholder="password">
<button id="signin" type="submit">Sign in</button>
</form>`));
}

// Cognito's /logout: client_id and logout_uri (one of the client's sign-out
// URLs), the hosted UI's session ended, back to logout_uri
function cognitoLogout(rq, rs, url) {
    const client = url.searchParams.get('client_id');
    const to = url.searchParams.get('logout_uri');

    seen.logout.push({ client, to });

    if (client !== CLIENT_ID || to !== `${SITE}/signed-out`) {
        rs.statusCode = 400;
        rs.end('invalid logout request');
        return;
    }

    rs.statusCode = 302;
    rs.setHeader('Location', to);
    rs.setHeader('Set-Cookie', ['_session', '_session.sig',
                                '_session.legacy', '_session.legacy.sig']
        .map((n) => `${n}=; Path=/; Max-Age=0; HttpOnly`));
    rs.end();
}

// --- the backend: echoes what nginx let through ----------------------------

const backendSaw = [];

// another site's page (http://evil.test:<backend port>/evil-form, the host
// name mapped to 127.0.0.1 in chromium): a form that posts itself to the
// protected page as soon as it loads, a cross-site request forgery
function evilForm(rs) {
    rs.setHeader('Content-Type', 'text/html; charset=utf-8');
    rs.end(page('Another site', `<form id="f" method="post"
 action="${SITE}/app/csrf"><input name="amount" value="1000"></form>
<script>document.getElementById('f').submit();</script>`));
}

function startBackend() {
    const server = http.createServer((rq, rs) => {
        const h = rq.headers;
        if (rq.url === '/evil-form') {
            evilForm(rs);
            return;
        }
        let claims = null;
        if (h['x-cognito-claims']) {
            claims = JSON.parse(
                Buffer.from(h['x-cognito-claims'], 'base64url').toString());
        }
        const bearer = /^Bearer (\S+)$/.exec(h.authorization || '');
        const saw = {
            method: rq.method,
            path: rq.url,
            sub: h['x-user-sub'] ?? null,
            username: h['x-user-name'] ?? null,
            groups: h['x-user-groups'] ?? null,
            token_use: h['x-token-use'] ?? null,
            client_id: h['x-client-id'] ?? null,
            claims,
            bearer_jti: bearer ? JSON.parse(Buffer.from(
                bearer[1].split('.')[1], 'base64url').toString()).jti : null,
            cookie: h.cookie ?? '',
        };
        backendSaw.push(saw);
        if (rq.url.startsWith('/api/')) {
            rs.setHeader('Content-Type', 'application/json');
            rs.end(JSON.stringify(saw));
            return;
        }
        rs.setHeader('Content-Type', 'text/html; charset=utf-8');
        rs.end(page('Protected page', '<h1>protected page</h1>' +
            `<pre id="saw">${JSON.stringify(saw)
                .replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`));
    });
    return listen(server, opt.backendPort);
}

function listen(server, port) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve(server));
    });
}

// --- nginx ------------------------------------------------------------------

async function startNginx() {
    const prefix = path.join(opt.run, 'nginx');
    for (const d of ['', 'tmp']) {
        fs.mkdirSync(path.join(prefix, d), { recursive: true });
    }
    fs.writeFileSync(path.join(prefix, 'session.keys'),
        randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });

    const values = {
        MODULE: opt.module, PREFIX: prefix, POOL_ID, CLIENT_ID,
        PROVIDER_PORT: opt.providerPort, NGINX_PORT: opt.nginxPort,
        BACKEND_PORT: opt.backendPort,
    };
    const conf = fs.readFileSync(path.join(here, 'browser.conf.in'), 'utf8')
        .replace(/@([A-Z_]+)@/g, (m, k) => {
            check(k in values, `browser.conf.in: unknown @${k}@`);
            return String(values[k]);
        });
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);

    const args = ['-p', prefix + '/', '-c', path.join(prefix, 'nginx.conf'),
                  '-e', path.join(prefix, 'error.log')];
    const t = spawn(opt.nginx, ['-t', '-q', ...args],
                    { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    t.stdout.on('data', (d) => { out += d; });
    t.stderr.on('data', (d) => { out += d; });
    const rc = await new Promise((r) => t.on('exit', r));
    check(rc === 0, 'nginx -t refused the configuration', out);

    const n = spawn(opt.nginx, args, { stdio: 'ignore' });
    children.push(n);
    for (let i = 0; i < 100; i++) {
        check(n.exitCode === null, 'nginx exited at start');
        try {
            await fetch(`${SITE}/signed-out`);
            return prefix;
        } catch {
            await sleep(100);
        }
    }
    throw new Error('nginx did not answer in 10 s');
}

function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

// --- the browser ------------------------------------------------------------

async function sessionCookies(pg) {
    const all = await pg.browserContext().cookies();
    return all.filter((c) => /^cognito_session_/.test(c.name));
}

async function sawOnPage(pg) {
    const text = await pg.$eval('#saw', (e) => e.textContent);
    return JSON.parse(text);
}

function checkTrusted(saw, where) {
    check(saw.sub === USER.sub, `${where}: X-User-Sub`, saw);
    check(saw.username === USER.name, `${where}: X-User-Name`, saw);
    check(saw.groups === 'admins,readers', `${where}: X-User-Groups`, saw);
    check(saw.client_id === CLIENT_ID, `${where}: X-Client-Id`, saw);
    check(saw.token_use === 'access', `${where}: X-Token-Use`, saw);
    check(saw.claims && saw.claims.iss === ISSUER
          && saw.claims.token_use === 'access'
          && saw.claims.origin_jti === originJti.get(USER.sub),
          `${where}: X-Cognito-Claims`, saw.claims);
    check(!/cognito_session/.test(saw.cookie),
          `${where}: the session cookie reached the backend`, saw.cookie);
}

// n fetch() calls from the page at once (chromium opens up to six
// connections to the site)
async function apiCalls(pg, n) {
    return pg.evaluate(async (n) => Promise.all(Array.from({ length: n },
        async () => {
            const r = await fetch('/api/me');
            return { status: r.status, body: await r.text() };
        })), n);
}

async function apiCall(pg) {
    return pg.evaluate(async () => {
        const r = await fetch('/api/me');    // Sec-Fetch-Mode: cors
        return { status: r.status, body: await r.text() };
    });
}

// options: nodeModules (t/e2e/package.json's, installed), module, nginx,
// chromium, providerPort, nginxPort, backendPort, run (a directory nginx's
// workers can read), debug (log the provider's requests); resolves to the
// site's and the provider's URLs and nginx's error log
export async function start(options) {
    opt = options;
    SITE = `http://127.0.0.1:${opt.nginxPort}`;
    IDP = `http://127.0.0.1:${opt.providerPort}`;
    const req = createRequire(path.join(opt.nodeModules, 'x.js'));
    puppeteer = req('puppeteer-core');
    ({ default: Provider } =
        await import(pathToFileURL(req.resolve('oidc-provider')).href));

    await startProvider();
    await startBackend();
    const prefix = await startNginx();
    return { site: SITE, idp: IDP, errorLog: path.join(prefix, 'error.log') };
}

export async function walk(step) {
    browser = await puppeteer.launch({
        executablePath: opt.chromium,
        headless: true,
        args: ['--no-sandbox', '--no-proxy-server', '--disable-gpu',
               '--disable-dev-shm-usage',
               // another site on 127.0.0.1: a host name of its own (a port
               // is not a site of its own for SameSite)
               '--host-resolver-rules=MAP evil.test 127.0.0.1'],
        userDataDir: path.join(opt.run, 'chromium'),
    });
    const pg = await browser.newPage();
    pg.setDefaultTimeout(15000);

    step('without a session, a fetch from a page gets the 401, no redirect');
    await pg.goto(`${SITE}/signed-out`);
    let api = await apiCall(pg);
    check(api.status === 401, 'API call without a session', api);

    step('the protected page sends the browser to the sign-in form');
    let rsp = await pg.goto(`${SITE}/app/page?x=1`);
    check(pg.url().startsWith(`${IDP}/interaction/`),
          'not on the provider\'s sign-in form', pg.url());
    check(rsp.status() === 200, 'sign-in form status', rsp.status());
    const login = await sessionCookies(pg);
    check(login.length === 1 && login[0].name === 'cognito_session_login'
          && login[0].secure && login[0].httpOnly
          && login[0].sameSite === 'Lax',
          'the state cookie (Secure, HttpOnly, SameSite=Lax) kept',
          login);

    step('a wrong password stays on the form');
    await pg.type('#username', USER.name);
    await pg.type('#password', 'wrong');
    await Promise.all([pg.waitForNavigation(), pg.click('#signin')]);
    check(await pg.$('#error') !== null, 'no error for a wrong password');

    step('signed in, back on the page; its backend saw the trusted headers');
    await pg.type('#username', USER.name);
    await pg.type('#password', USER.password);
    rsp = await Promise.all([pg.waitForNavigation(), pg.click('#signin')]);
    check(pg.url() === `${SITE}/app/page?x=1`, 'back on the page',
          pg.url());
    check(rsp[0].status() === 200, 'page status', rsp[0].status());
    checkTrusted(await sawOnPage(pg), 'page');
    check(seen.grants.join() === 'authorization_code',
          'the provider saw one code exchange', seen.grants);
    const first = await sessionCookies(pg);
    check(first.length >= 1 && first.every((c) => c.secure && c.httpOnly
          && c.sameSite === 'Lax' && /^cognito_session_\d$/.test(c.name)),
          'the session cookie (Secure, HttpOnly, SameSite=Lax)', first);
    const signedInAt = Date.now();

    step('an API call from the page (fetch) is let in with the session');
    api = await apiCall(pg);
    check(api.status === 200, 'API call with the session', api);
    const apiSaw = JSON.parse(api.body);
    checkTrusted(apiSaw, 'API');
    check(typeof apiSaw.bearer_jti === 'string',
          'cognito_auth_session_bearer: no Bearer upstream', apiSaw);
    const firstJti = apiSaw.bearer_jti;
    check(!seen.grants.includes('refresh_token'),
          'refreshed too early (a 70 s token, refreshed in its last minute)',
          seen.grants);

    const wait = signedInAt + (TTL - 60 + 2) * 1000 - Date.now();
    step(`waiting ${Math.ceil(wait / 1000)} s: the token's last minute`);
    await sleep(Math.max(wait, 0));

    step('six fetches at once in the token\'s last minute: one refresh');
    const six = await apiCalls(pg, 6);
    check(six.every((a) => a.status === 200),
          'a fetch of the six was not let in', six.map((a) => a.status));
    check(seen.grants.join() === 'authorization_code,refresh_token',
          'the provider saw one refresh_token grant', seen.grants);
    check(seen.grantErrors.length === 0 && seen.revoked === 0,
          'a refresh token sent again (refused, or the grant revoked)',
          seen);
    const jtis = new Set(six.map((a) => JSON.parse(a.body).bearer_jti));
    check(jtis.size === 1 && !jtis.has(firstJti),
          'the six did not all get the one new access token', [...jtis]);
    const refreshedJti = [...jtis][0];
    const second = await sessionCookies(pg);
    check(second.length >= 1 && second[0].value !== first[0].value,
          'a new session cookie', second.map((c) => c.name));

    step('the page with the new session, no second refresh');
    rsp = await pg.reload();
    check(rsp.status() === 200 && pg.url() === `${SITE}/app/page?x=1`,
          'the page after the refresh', pg.url());
    checkTrusted(await sawOnPage(pg), 'page after refresh');
    api = await apiCall(pg);
    check(api.status === 200
          && JSON.parse(api.body).bearer_jti === refreshedJti,
          'API call after the refresh', api);
    check(seen.grants.length === 2, 'refreshed again', seen.grants);

    step('a form on another site posts to the page: no session goes along');
    const evil = `http://evil.test:${opt.backendPort}/evil-form`;
    const posted = pg.waitForResponse((r) => r.request().method() === 'POST'
                                              && r.url() === `${SITE}/app/csrf`);
    await pg.goto(evil);
    const forged = await posted;
    check(forged.status() === 302 && (forged.headers().location ?? '')
              .startsWith(`${IDP}/oauth2/authorize?`),
          'the cross-site POST was not sent to sign in',
          { status: forged.status(), location: forged.headers().location });
    check(!backendSaw.some((b) => b.method === 'POST'),
          'the cross-site POST reached the backend', backendSaw);
    await pg.goto(`${SITE}/app/page?x=1`);
    check(pg.url() === `${SITE}/app/page?x=1`, 'the session after the forged'
          + ' POST', pg.url());

    step('a form on the site itself posts with the session');
    rsp = await Promise.all([pg.waitForNavigation(), pg.evaluate(() => {
        const f = document.createElement('form');
        f.method = 'post';
        f.action = '/app/csrf';
        document.body.append(f);
        f.submit();
    })]);
    check(rsp[0].status() === 200, 'the same-site POST', rsp[0].status());
    const own = await sawOnPage(pg);
    check(own.method === 'POST' && own.path === '/app/csrf',
          'the same-site POST at the backend', own);
    checkTrusted(own, 'same-site POST');

    step('logout: refresh token revoked, provider signed out, cookies gone');
    rsp = await pg.goto(`${SITE}/logout`);
    check(pg.url() === `${SITE}/signed-out`, 'after logout', pg.url());
    check(seen.logout.length === 1, 'the provider\'s /logout', seen.logout);
    check(seen.revokeStatus.join() === '200' && seen.revoked === 1,
          'the refresh token revoked at /oauth2/revoke', seen);
    const left = await sessionCookies(pg);
    check(left.length === 0, 'sign-in cookies left', left.map((c) => c.name));
    api = await apiCall(pg);
    check(api.status === 401, 'API call after logout', api);

    step('the protected page sends the browser to sign in again');
    await pg.goto(`${SITE}/app/page?x=1`);
    check(pg.url().startsWith(`${IDP}/interaction/`),
          'not sent to the sign-in form', pg.url());
    check(await pg.$('#password') !== null, 'no sign-in form');

    const log = fs.readFileSync(path.join(opt.run, 'nginx', 'error.log'),
                                'utf8');
    check(log.includes('session refreshed with pool "e2e"'),
          'nginx did not log the refresh');
    check(!/\[(alert|crit|emerg)\]|signal \d+/.test(log),
          'nginx logged a crash or an alert');
}

// chromium is only needed for the steps; the servers may stay
export async function closeBrowser() {
    if (browser !== null) {
        await browser.close().catch(() => {});
        browser = null;
    }
}

export async function stop() {
    await closeBrowser();
    for (const c of children) {
        if (c.exitCode === null) {
            c.kill('SIGQUIT');
            await new Promise((r) => {
                const t = setTimeout(() => { c.kill('SIGKILL'); r(); }, 5000);
                c.on('exit', () => { clearTimeout(t); r(); });
            });
        }
    }
}
