'use strict';
// A Lambda-style backend: a handler with the signature of an AWS Lambda
// function behind a function URL (event in, {statusCode, headers, body} out),
// served by a small node http server on 127.0.0.1 that builds the event the
// way a function URL does (payload format 2.0, abridged).
//
// It trusts the gateway: X-Tenant-Id, X-Cognito-Sub, X-Cognito-Groups and
// X-Cognito-Claims are set by nginx from a verified token, replacing anything
// the client sent.  X-Cognito-Claims is the token's payload as signed
// (base64url of its JSON): every claim, as API Gateway's authorizer gives
// them to its integrations (event.requestContext.authorizer.jwt.claims).
//
// Two more functions make the revocation list of a fleet, as a Cognito
// deployment would (README.md, "Revocation for a fleet"):
//   POST /signout       the app's sign-out: RevokeToken on the user's refresh
//                       token (in the emulator), then the user's sub into the
//                       list, which revokes the id and access tokens already
//                       issued (Cognito itself cannot recall them)
//   GET  /revoked.json  the list, as an S3 object would serve it: an ETag,
//                       and 304 for If-None-Match (nginx fetches it with
//                       cognito_auth_revocation_list uri=)
//
//   LAMBDA_PORT (default 19231), COGNITO_PORT (default 19229)

const http = require('node:http');

const crypto = require('node:crypto');

const HOST = '127.0.0.1';
const PORT = parseInt(process.env.LAMBDA_PORT || '19231', 10);
const COGNITO = `http://${HOST}:${process.env.COGNITO_PORT || '19229'}`;

// the revocation list (the S3 object), in memory
const revoked = { sub: {} };

// the claims nginx verified, decoded: no signature to check here, nginx
// did that, and no client can send this header past it
function gatewayClaims(headers) {
    const v = headers['x-cognito-claims'];
    if (!v) {
        return null;
    }
    return JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
}

// the function itself
async function handler(event) {
    const h = event.headers;
    const claims = event.requestContext.authorizer.jwt.claims;
    const tenant = h['x-tenant-id'] || null;
    if (!tenant) {
        // nginx is configured so that this never happens; a direct call does
        return { statusCode: 400, headers: { 'content-type': 'application/json' },
                 body: JSON.stringify({ message: 'no tenant' }) };
    }
    return {
        statusCode: 200,
        headers: { 'content-type': 'application/json',
                   'x-handled-by': 'demo-lambda' },
        body: JSON.stringify({
            message: `orders of tenant ${tenant}`,
            tenant,
            sub: h['x-cognito-sub'] || null,
            groups: h['x-cognito-groups'] ? h['x-cognito-groups'].split(',') : [],
            username: claims ? claims['cognito:username'] : null,
            email: claims ? claims.email || null : null,
            claims,
            path: event.rawPath,
            method: event.requestContext.http.method,
        }),
    };
}

// sign-out: the user's verified claims come from nginx (X-Cognito-Claims)
async function signout(event) {
    const claims = event.requestContext.authorizer.jwt.claims;
    const body = JSON.parse(Buffer.from(event.body || '', 'base64') || '{}');
    if (!claims || !body.refreshToken) {
        return { statusCode: 400, body: JSON.stringify({ message: 'no claims or refresh token' }) };
    }
    // Cognito: no new tokens from this refresh token
    const res = await fetch(COGNITO, {
        method: 'POST',
        headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'AWSCognitoIdentityProviderService.RevokeToken',
        },
        body: JSON.stringify({ Token: body.refreshToken, ClientId: claims.aud }),
    });
    if (!res.ok) {
        return { statusCode: 502, body: JSON.stringify({ message: `RevokeToken: ${res.status}` }) };
    }
    // the list: every token of this user issued before now (this one too)
    const before = Math.max(Math.floor(Date.now() / 1000), claims.iat + 1);
    revoked.sub[claims.sub] = before;
    return {
        statusCode: 200, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signedOut: claims['cognito:username'], revokedBefore: before }),
    };
}

function revocationList(event) {
    const text = JSON.stringify(revoked);
    const etag = `"${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}"`;
    if (event.headers['if-none-match'] === etag) {
        return { statusCode: 304, headers: { etag } };
    }
    return { statusCode: 200, headers: { 'content-type': 'application/json', etag }, body: text };
}

const routes = {
    'GET /revoked.json': revocationList,
    'POST /signout': signout,
};

function toEvent(req, body) {
    const url = new URL(req.url, `http://${HOST}`);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) {
        headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    return {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        requestContext: {
            http: { method: req.method, path: url.pathname,
                    sourceIp: req.socket.remoteAddress },
            authorizer: { jwt: { claims: gatewayClaims(headers) } },
            timeEpoch: Date.now(),
        },
        body: body.length ? body.toString('base64') : undefined,
        isBase64Encoded: body.length > 0,
    };
}

const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
        let out;
        try {
            const event = toEvent(req, Buffer.concat(chunks));
            const route = routes[`${req.method} ${event.rawPath}`] || handler;
            out = await route(event);
        } catch (e) {
            out = { statusCode: 502, body: JSON.stringify({ message: String(e) }) };
        }
        res.writeHead(out.statusCode || 200, out.headers || {});
        res.end(out.body || '');
    });
});

server.listen(PORT, HOST, () => {
    console.log(`lambda: handler listening on http://${HOST}:${PORT}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => server.close(() => process.exit(0)));
}
