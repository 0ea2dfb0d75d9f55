'use strict';
// The walk-through: request by request through the gateway, printing what
// was sent, the expected and the actual status and the interesting headers,
// and checking what the backends saw.  Exit status 0 when every step matched.
//
//   node walkthrough.js TOKENS.json [--quiet]
//
//   NGINX_PORT (default 18080), APPSYNC_PORT (default 19230)

const fs = require('node:fs');

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
    console.error('usage: node walkthrough.js TOKENS.json [--quiet]');
    process.exit(2);
}
const setup = JSON.parse(fs.readFileSync(file, 'utf8'));
const T = setup.tokens;

const GATEWAY = `http://127.0.0.1:${process.env.NGINX_PORT || '18080'}`;
const APPSYNC = `http://127.0.0.1:${process.env.APPSYNC_PORT || '19230'}`;

const ME = '{ me { username groups tenant gatewayGroups } }';
const ME_AND_REPORT = '{ me { username groups tenant gatewayGroups } adminReport }';

const gql = (query) => ({
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query }),
    headers: { 'content-type': 'application/json' },
});

// each step: what to send, the status to expect, the reason nginx must give
// ($cognito_error, via the demo's X-Demo-Cognito-Error header), and checks
// of what the backend answered
const steps = [
    {
        title: 'no token at all',
        ...gql(ME),
        status: 401, reason: 'token_missing',
        check: (r) => /^Bearer realm="cognito"/.test(r.headers.get('www-authenticate') || '')
            || 'WWW-Authenticate: Bearer realm="cognito" missing',
    },
    {
        title: 'alice (admins, tenant-acme), id token: AppSync',
        token: T.alice.id, ...gql(ME_AND_REPORT),
        status: 200,
        check: (r, j) => expectAll([
            [j?.data?.me?.username === 'alice', 'me.username is not alice'],
            [j?.data?.me?.tenant === 'acme', 'X-Tenant-Id seen by AppSync is not acme'],
            [/admins/.test(j?.data?.me?.gatewayGroups || ''), 'X-Cognito-Groups lacks admins'],
            [/^admin report for alice/.test(j?.data?.adminReport || ''),
             'adminReport (@aws_auth admins) refused'],
        ]),
    },
    {
        title: 'alice again, sending her own X-Tenant-Id: globex',
        token: T.alice.id, ...gql(ME),
        extraHeaders: { 'X-Tenant-Id': 'globex', 'X-Cognito-Groups': 'admins,tenant-globex' },
        status: 200,
        check: (r, j) => expectAll([
            [j?.data?.me?.tenant === 'acme', 'the client\'s X-Tenant-Id reached AppSync'],
            [j?.data?.me?.gatewayGroups === 'admins,tenant-acme',
             'the client\'s X-Cognito-Groups reached AppSync'],
        ]),
    },
    {
        title: 'bob (editors, tenant-globex): in, but AppSync\'s @aws_auth(admins) refuses adminReport',
        token: T.bob.id, ...gql(ME_AND_REPORT),
        status: 200,
        check: (r, j) => expectAll([
            [j?.data?.me?.tenant === 'globex', 'X-Tenant-Id seen by AppSync is not globex'],
            [j?.data?.adminReport === null
             && (j?.errors || []).some((e) => e.errorType === 'Unauthorized'),
             'AppSync did not refuse adminReport'],
        ]),
    },
    {
        title: 'carol (viewers): valid token, not in admins or editors',
        token: T.carol.id, ...gql(ME),
        status: 403, reason: 'group_denied',
    },
    {
        title: 'forged: alice\'s claims and the emulator\'s kid, signed with another key',
        token: T.forged, ...gql(ME),
        status: 401, reason: 'bad_signature',
        check: (r) => /error="invalid_token"/.test(r.headers.get('www-authenticate') || '')
            || 'WWW-Authenticate lacks error="invalid_token"',
    },
    {
        title: 'expired: signed with the emulator\'s own key, exp an hour ago',
        token: T.expired, ...gql(ME),
        status: 401, reason: 'token_expired',
        check: (r) => /error="invalid_token"/.test(r.headers.get('www-authenticate') || '')
            || 'WWW-Authenticate lacks error="invalid_token"',
    },
    {
        title: 'the same expired token sent to the AppSync simulator directly (no gateway)',
        direct: true,
        token: T.expired, ...gql(ME),
        status: 200,
        check: (r, j) => j?.data?.me?.username === 'alice'
            || 'the simulator refused it (it only decodes tokens; expected it to accept)',
        note: 'the simulator only decodes tokens: this is why the gateway is in front of it',
    },
    {
        title: 'alice\'s access token where id tokens are required',
        token: T.alice.access, ...gql(ME),
        status: 401, reason: 'wrong_token_use',
    },
    {
        title: 'alice, Lambda-style handler: tenant from custom:clientId, every claim in X-Cognito-Claims',
        token: T.alice.id, method: 'GET', path: '/lambda/orders',
        extraHeaders: {
            'X-Tenant-Id': 'globex',
            // a client's own claims: replaced by nginx
            'X-Cognito-Claims': Buffer.from(JSON.stringify(
                { 'cognito:username': 'mallory', 'custom:clientId': 'globex' }))
                .toString('base64url'),
        },
        status: 200,
        check: (r, j) => expectAll([
            [j?.tenant === 'acme', 'the handler did not see tenant acme'],
            [typeof j?.sub === 'string' && j.sub.length > 0, 'the handler saw no X-Cognito-Sub'],
            [j?.claims?.['cognito:username'] === 'alice',
             'X-Cognito-Claims did not decode to alice\'s claims'],
            [j?.claims?.['custom:clientId'] === 'acme', 'X-Cognito-Claims lacks custom:clientId acme'],
            [j?.claims?.sub === j?.sub, 'X-Cognito-Claims and X-Cognito-Sub disagree'],
            [(j?.claims?.['cognito:groups'] || []).includes('admins'),
             'X-Cognito-Claims lacks the groups'],
        ]),
    },
    {
        title: 'bob, Lambda-style handler',
        token: T.bob.id, method: 'GET', path: '/lambda/orders',
        status: 200,
        check: (r, j) => j?.tenant === 'globex' || 'the handler did not see tenant globex',
    },
    {
        title: 'dave (editors, no custom:clientId): no tenant, and the tenant is required',
        token: T.dave.id, method: 'GET', path: '/lambda/orders',
        status: 403, reason: 'tenant_missing',
    },
    {
        title: 'bob signs out: RevokeToken on his refresh token, his sub into the revocation list',
        token: T.bob.id, method: 'POST', path: '/signout',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: T.bob.refresh }),
        status: 200,
        check: (r, j) => j?.signedOut === 'bob' || 'the sign-out function did not sign bob out',
    },
    {
        title: 'bob\'s id token, unexpired, after his sign-out (one check= interval later): refused',
        delay: 1500,
        token: T.bob.id, method: 'GET', path: '/lambda/orders',
        status: 401, reason: 'token_revoked',
        check: (r) => /error_description="token revoked"/.test(r.headers.get('www-authenticate') || '')
            || 'WWW-Authenticate lacks error_description="token revoked"',
        note: 'Cognito cannot recall issued tokens; nginx fetched the new list',
    },
    {
        title: 'alice, who did not sign out, still gets in',
        token: T.alice.id, method: 'GET', path: '/lambda/orders',
        status: 200,
        check: (r, j) => j?.tenant === 'acme' || 'the handler did not see tenant acme',
    },
];

function expectAll(pairs) {
    const bad = pairs.filter(([ok]) => !ok).map(([, msg]) => msg);
    return bad.length ? bad.join('; ') : true;
}

const short = (tok) => (tok ? `${tok.slice(0, 16)}...${tok.slice(-8)}` : '');

async function run(step, n) {
    const base = step.direct ? APPSYNC : GATEWAY;
    const headers = { ...(step.headers || {}), ...(step.extraHeaders || {}) };
    if (step.token) {
        headers.Authorization = `Bearer ${step.token}`;
    }
    const res = await fetch(base + step.path, {
        method: step.method, headers, body: step.body,
    });
    const text = await res.text();
    let json;
    try {
        json = JSON.parse(text);
    } catch (e) {
        json = undefined;
    }

    const problems = [];
    if (res.status !== step.status) {
        problems.push(`status ${res.status}, expected ${step.status}`);
    }
    const reason = res.headers.get('x-demo-cognito-error');
    if (step.reason !== undefined && (reason || '') !== step.reason) {
        problems.push(`reason "${reason || ''}", expected "${step.reason}"`);
    }
    if (step.check && res.status === step.status) {
        const c = step.check(res, json);
        if (c !== true) {
            problems.push(c);
        }
    }

    const ok = problems.length === 0;
    if (!quiet || !ok) {
        const lines = [];
        lines.push(`${ok ? 'ok  ' : 'FAIL'} ${n}. ${step.title}`);
        lines.push(`       ${step.method} ${base}${step.path}`
                   + (step.token ? `  (Bearer ${short(step.token)})` : ''));
        for (const [k, v] of Object.entries(step.extraHeaders || {})) {
            lines.push(`       sent ${k}: ${v}`);
        }
        lines.push(`       expected ${step.status}, got ${res.status}`);
        for (const h of ['www-authenticate', 'x-demo-cognito-error']) {
            const v = res.headers.get(h);
            if (v) {
                lines.push(`       ${h}: ${v}`);
            }
        }
        if (text) {
            lines.push(`       body: ${text.length > 300 ? text.slice(0, 300) + '...' : text.trim()}`);
        }
        if (step.note) {
            lines.push(`       (${step.note})`);
        }
        for (const p of problems) {
            lines.push(`       MISMATCH: ${p}`);
        }
        console.log(lines.join('\n') + '\n');
    }
    return ok;
}

async function main() {
    if (!quiet) {
        console.log(`gateway ${GATEWAY}, pool ${setup.poolId}, issuer ${setup.issuer}\n`);
    }
    let failed = 0;
    for (let i = 0; i < steps.length; i++) {
        let ok;
        if (steps[i].delay) {
            await new Promise((done) => setTimeout(done, steps[i].delay));
        }
        try {
            ok = await run(steps[i], i + 1);
        } catch (e) {
            console.log(`FAIL ${i + 1}. ${steps[i].title}: ${e.cause?.code || e.message}`);
            ok = false;
        }
        if (!ok) {
            failed++;
        }
    }
    console.log(`walk-through: ${steps.length - failed} of ${steps.length} steps as expected`);
    process.exit(failed ? 1 : 0);
}

main();
