'use strict';
// The differential test (run it through t/aws/diff.sh): mints tokens across
// the Cognito claim space, sends each through a real nginx with the module
// and through AWS's own verifier (aws-jwt-verify), and compares the two
// verdicts, accept or reject.  A disagreement fails unless
// t/aws/deliberate.txt lists it, with the direction and the reason; an entry
// there that no longer disagrees as written fails too.
//
//   node t/aws/diff.js --module M.so --nginx /usr/sbin/nginx --port P
//                      [--list] [--keep]
//
// --list prints the cases and exits; --keep keeps nginx's prefix directory;
// --verbose also prints the cases that agree.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const top = path.resolve(__dirname, '..', '..');
const data = path.join(top, 't', 'data');

function arg(name, dflt) {
    const i = process.argv.indexOf(name);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const opt = {
    module: arg('--module',
                path.join(top, 'build/modules/ngx_http_cognito_auth_module.so')),
    nginx: arg('--nginx', '/usr/sbin/nginx'),
    port: Number(arg('--port', '1984')),
    list: process.argv.includes('--list'),
    keep: process.argv.includes('--keep'),
    verbose: process.argv.includes('--verbose'),
    deliberate: arg('--deliberate', path.join(__dirname, 'deliberate.txt')),
    readme: arg('--readme', path.join(top, 'docs', 'HARDENING.md')),
};

// --- keys and key sets ------------------------------------------------------

const rsa1 = crypto.createPrivateKey(fs.readFileSync(path.join(data, 'rsa1.pem')));
const rsa2 = crypto.createPrivateKey(fs.readFileSync(path.join(data, 'rsa2.pem')));
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const jwksMain = JSON.parse(fs.readFileSync(path.join(data, 'jwks.json'), 'utf8'));

// the "algs" pool's key set: rsa1 without "alg" (any RSA algorithm), rsa2
// for RS512 only, and a P-256 key for ES256
function jwk(key, extra) {
    return Object.assign(crypto.createPublicKey(key).export({ format: 'jwk' }),
                         { use: 'sig' }, extra);
}
const jwksAlgs = {
    keys: [
        jwk(rsa1, { kid: 'test-key-1' }),
        jwk(rsa2, { kid: 'test-key-2', alg: 'RS512' }),
        jwk(ec, { kid: 'ec-key-1', alg: 'ES256' }),
    ],
};

// --- the pools and locations (nginx and aws-jwt-verify alike) ---------------

const region = 'us-east-1';
const pools = {
    main: { id: `${region}_TestPool1`, jwks: jwksMain, conf: 'leeway=0s' },
    algs: { id: `${region}_TestPool2`, jwks: jwksAlgs,
            conf: 'leeway=0s algs=RS256,RS384,RS512' },
    // no leeway= at all: the default must be aws-jwt-verify's (0)
    dflt: { id: `${region}_TestPool3`, jwks: jwksMain, conf: '' },
};
const clients = ['testclient1', 'testclient2'];
function issuer(pool) {
    return `https://cognito-idp.${region}.amazonaws.com/${pools[pool].id}`;
}

// name: pool, nginx directives, aws-jwt-verify's options
const locations = {
    id:     { pool: 'main', conf: 'cognito_auth_token_use id;',
              aws: { tokenUse: 'id' } },
    access: { pool: 'main', conf: 'cognito_auth_token_use access;',
              aws: { tokenUse: 'access' } },
    any:    { pool: 'main', conf: 'cognito_auth_token_use any;',
              aws: { tokenUse: null } },
    group:  { pool: 'main', conf: 'cognito_auth_token_use any; '
                                  + 'cognito_auth_require_group admins;',
              aws: { tokenUse: null, groups: 'admins' } },
    scope:  { pool: 'main', conf: 'cognito_auth_token_use access; '
                                  + 'cognito_auth_require_scope shows/read;',
              aws: { tokenUse: 'access', scope: 'shows/read' } },
    algs:   { pool: 'algs', conf: 'cognito_auth_token_use any;',
              aws: { tokenUse: null } },
    dflt:   { pool: 'dflt', conf: 'cognito_auth_token_use any;',
              aws: { tokenUse: null } },
};

// --- minting ----------------------------------------------------------------

const DEL = Symbol('delete');

// a number written exactly as given (2.5e9, 1e400, 2^64)
class Raw {
    constructor(text) { this.text = text; }
}
function raw(text) { return new Raw(text); }

function json(obj) {
    const raws = [];
    const s = JSON.stringify(obj, (k, v) => {
        if (v instanceof Raw) {
            raws.push(v.text);
            return `@@raw${raws.length - 1}@@`;
        }
        return v;
    });
    return s.replace(/"@@raw(\d+)@@"/g, (m, i) => raws[Number(i)]);
}

function b64u(buf) {
    return Buffer.from(buf).toString('base64url');
}

function sign(alg, input, key) {
    const d = Buffer.from(input);
    switch (alg) {
    case 'RS256': return crypto.sign('sha256', d, key);
    case 'RS384': return crypto.sign('sha384', d, key);
    case 'RS512': return crypto.sign('sha512', d, key);
    case 'PS256':
        return crypto.sign('sha256', d, {
            key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
            saltLength: 32 });
    case 'ES256':
        return crypto.sign('sha256', d, { key, dsaEncoding: 'ieee-p1363' });
    case 'HS256':
        return crypto.createHmac('sha256', key).update(d).digest();
    case 'none': return Buffer.alloc(0);
    default: throw new Error(`cannot sign with ${alg}`);
    }
}

function merge(base, over) {
    const o = Object.assign({}, base);
    for (const [k, v] of Object.entries(over || {})) {
        if (v === DEL) {
            delete o[k];
        } else {
            o[k] = v;
        }
    }
    return o;
}

// spec: header (overrides of {kid, alg}), payload (object) or payloadText,
// headerText, sign (the algorithm really used), key, post (string -> string)
function mint(spec) {
    const header = merge({ kid: 'test-key-1', alg: 'RS256' }, spec.header);
    const h = spec.headerText !== undefined ? spec.headerText : json(header);
    const p = spec.payloadText !== undefined ? spec.payloadText : json(spec.payload);
    const hb = Buffer.isBuffer(h) ? h : Buffer.from(h, 'utf8');
    const pb = Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
    const input = `${b64u(hb)}.${b64u(pb)}`;
    let alg = spec.sign || header.alg;
    if (!['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'HS256', 'none']
        .includes(alg)) {
        alg = 'RS256';
    }
    const key = spec.key || (alg === 'ES256' ? ec : rsa1);
    const tok = `${input}.${b64u(sign(alg, input, key))}`;
    return spec.post ? spec.post(tok) : tok;
}

function accessClaims(now, pool) {
    return {
        sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        iss: issuer(pool || 'main'),
        client_id: 'testclient1',
        origin_jti: '11111111-2222-3333-4444-555555555555',
        event_id: '66666666-7777-8888-9999-000000000000',
        token_use: 'access',
        scope: 'openid profile',
        auth_time: now - 60,
        exp: now + 3600,
        iat: now - 60,
        jti: '12345678-1234-1234-1234-123456789012',
        username: 'alice',
    };
}

function idClaims(now, pool) {
    return {
        sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        email_verified: true,
        iss: issuer(pool || 'main'),
        'cognito:username': 'alice',
        origin_jti: '11111111-2222-3333-4444-555555555555',
        aud: 'testclient1',
        event_id: '66666666-7777-8888-9999-000000000000',
        token_use: 'id',
        auth_time: now - 60,
        exp: now + 3600,
        iat: now - 60,
        jti: '12345678-1234-1234-1234-123456789012',
        email: 'alice@example.com',
    };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// the same bytes, written with the unused low bits of the last character set
function noncanonical(seg) {
    if (seg.length % 4 < 2) {
        throw new Error('segment has no unused bits');
    }
    const last = B64.indexOf(seg[seg.length - 1]);
    return seg.slice(0, -1) + B64[last ^ 1];
}

function parts(tok) { return tok.split('.'); }
function seg(i, f) {
    return (tok) => {
        const p = parts(tok);
        p[i] = f(p[i]);
        return p.join('.');
    };
}

// a payload whose base64url form has unused bits in its last character
function padToSpareBits(claims) {
    const o = Object.assign({}, claims, { pad: '' });
    while (Buffer.byteLength(json(o)) % 3 !== 1) {
        o.pad += 'x';
    }
    return o;
}

// --- the cases --------------------------------------------------------------
//
// Each case: name, locations, and mint(now) -> token.  "tight" cases sit on a
// time boundary: they are minted and judged by both sides within one second.

function cases() {
    const out = [];
    const add = (name, locs, make, tight) =>
        out.push({ name, locs, make, tight: !!tight });

    const A = ['access', 'any'];
    const I = ['id', 'any'];
    const acc = (now, over, pool) => merge(accessClaims(now, pool), over);
    const idt = (now, over, pool) => merge(idClaims(now, pool), over);

    // plain valid tokens
    add('access.valid', ['access', 'any', 'id'], (n) => mint({ payload: acc(n) }));
    add('id.valid', ['id', 'any', 'access'], (n) => mint({ payload: idt(n) }));

    // every claim with every JSON type
    const types = {
        'str': 'x', 'empty': '', 'int': 5, 'real': 1.5, 'neg': -1,
        'true': true, 'false': false, 'null': null, 'arr': ['x'],
        'arr-empty': [], 'obj': {}, 'obj-x': { x: 'x' }, 'missing': DEL,
    };
    const claimsOf = {
        access: ['sub', 'iss', 'client_id', 'token_use', 'scope', 'jti',
                 'username', 'auth_time', 'origin_jti', 'event_id', 'aud',
                 'cognito:groups', 'exp', 'nbf', 'iat', 'version'],
        id: ['sub', 'iss', 'aud', 'token_use', 'cognito:username', 'email',
             'email_verified', 'jti', 'auth_time', 'origin_jti', 'client_id',
             'scope', 'cognito:groups', 'exp', 'nbf', 'iat', 'custom:tenant'],
    };
    for (const [use, claims] of Object.entries(claimsOf)) {
        const mk = use === 'access' ? acc : idt;
        for (const c of claims) {
            for (const [t, v] of Object.entries(types)) {
                add(`${use}.${c}=${t}`, use === 'access' ? A : I,
                    (n) => mint({ payload: mk(n, { [c]: v }) }));
            }
        }
    }

    // times: NumericDates, margins of 10 s or more
    const times = {
        'exp': {
            'now+3600.5': (n) => n + 3600.5,
            'real-exp-form': () => raw('2.5e9'),
            'huge-real': () => raw('1e300'),
            'int53+1': () => raw('9007199254740993'),
            'int64-max': () => raw('9223372036854775807'),
            'int64+1': () => raw('9223372036854775808'),
            '2^64': () => raw('18446744073709551616'),
            'overflow-1e400': () => raw('1e400'),
            'now-10': (n) => n - 10,
            'now-60': (n) => n - 60,
            'now-3600': (n) => n - 3600,
            '0': () => 0,
            '-1': () => -1,
            '-1.5': () => -1.5,
            'now+10': (n) => n + 10,
            'str-number': (n) => String(n + 3600),
            'arr-number': (n) => [n + 3600],
        },
        'nbf': {
            'now-10': (n) => n - 10,
            'now+10': (n) => n + 10,
            'now+3600': (n) => n + 3600,
            'now-10.5': (n) => n - 10.5,
            '0': () => 0,
            '-1': () => -1,
            '-100.25': () => -100.25,
            'huge-real': () => raw('1e300'),
            '2^64': () => raw('18446744073709551616'),
            'str-number': (n) => String(n - 10),
        },
        'iat': {
            'now-10': (n) => n - 10,
            'now+10': (n) => n + 10,
            'now+3600': (n) => n + 3600,
            'now+3600.5': (n) => n + 3600.5,
            '0': () => 0,
            '-1': () => -1,
            '-1.5': () => -1.5,
            'huge-real': () => raw('1e300'),
            'int64+1': () => raw('9223372036854775808'),
            '2^64': () => raw('18446744073709551616'),
            'str-number': (n) => String(n - 10),
        },
        'auth_time': {
            'now+3600': (n) => n + 3600,
            'huge-real': () => raw('1e300'),
        },
    };
    for (const [c, vals] of Object.entries(times)) {
        for (const [t, f] of Object.entries(vals)) {
            add(`access.${c}=${t}`, A, (n) => mint({ payload: acc(n, { [c]: f(n) }) }));
            add(`id.${c}=${t}`, I, (n) => mint({ payload: idt(n, { [c]: f(n) }) }));
        }
    }

    // each time rule's boundary, judged in the second the token was minted
    const bounds = {
        'exp': { 'now-1': -1, 'now': 0, 'now+1': 1, 'now+2': 2,
                 'now-0.5': -0.5, 'now+0.5': 0.5 },
        'nbf': { 'now-1': -1, 'now': 0, 'now+1': 1, 'now+2': 2,
                 'now-0.5': -0.5, 'now+0.5': 0.5 },
        'iat': { 'now': 0, 'now+1': 1, 'now+2': 2 },
    };
    for (const [c, vals] of Object.entries(bounds)) {
        for (const [t, d] of Object.entries(vals)) {
            add(`access.${c}=${t}`, A,
                (n) => mint({ payload: acc(n, { [c]: n + d }) }), true);
            add(`id.${c}=${t}`, I,
                (n) => mint({ payload: idt(n, { [c]: n + d }) }), true);
        }
    }

    // the default leeway (a pool without leeway=)
    for (const [t, over] of Object.entries({
        'valid': {},
        'exp=now-10': { exp: -10 },
        'exp=now-30': { exp: -30 },
        'nbf=now+10': { nbf: 10 },
        'iat=now+10': { iat: 10 },
    })) {
        add(`dflt.${t}`, ['dflt'], (n) => {
            const o = {};
            for (const [k, d] of Object.entries(over)) o[k] = n + d;
            return mint({ payload: acc(n, o, 'dflt') });
        });
    }

    // iss
    const p1 = pools.main.id;
    const isses = {
        'trailing-slash': `${issuer('main')}/`,
        'other-region': `https://cognito-idp.us-west-2.amazonaws.com/${p1}`,
        'other-pool': issuer('algs'),
        'http': `http://cognito-idp.${region}.amazonaws.com/${p1}`,
        'uppercase-host': `https://COGNITO-IDP.${region}.amazonaws.com/${p1}`,
        'pool-case': `https://cognito-idp.${region}.amazonaws.com/${p1.toLowerCase()}`,
        'multi-region-form': `https://issuer-cognito-idp.${region}.amazonaws.com/${p1}`,
        'well-known': `${issuer('main')}/.well-known/jwks.json`,
        'space': ` ${issuer('main')}`,
        'arr-issuer': [issuer('main')],
    };
    for (const [t, v] of Object.entries(isses)) {
        add(`access.iss=${t}`, A, (n) => mint({ payload: acc(n, { iss: v }) }));
        add(`id.iss=${t}`, I, (n) => mint({ payload: idt(n, { iss: v }) }));
    }
    add('access.iss=escaped-slashes', A, (n) => mint({
        payloadText: json(acc(n)).replace(/"iss":"([^"]*)"/,
            (m, s) => `"iss":"${s.replace(/\//g, '\\/')}"`),
    }));

    // token_use
    const uses = {
        'id': 'id', 'access': 'access', 'other': 'refresh', 'empty': '',
        'upper': 'ACCESS', 'trailing-space': 'access ', 'arr': ['access'],
        'arr-id': ['id'], 'int': 1, 'null': null, 'missing': DEL,
    };
    for (const [t, v] of Object.entries(uses)) {
        add(`access-claims.token_use=${t}`, ['id', 'access', 'any'],
            (n) => mint({ payload: acc(n, { token_use: v }) }));
        add(`id-claims.token_use=${t}`, ['id', 'access', 'any'],
            (n) => mint({ payload: idt(n, { token_use: v }) }));
    }
    add('access.token_use=escaped', A, (n) => mint({
        payloadText: json(acc(n)).replace('"access"', '"acc\\u0065ss"'),
    }));

    // aud and client_id against the configured app clients
    const auds = {
        'client2': 'testclient2', 'other': 'otherclient',
        'arr-one': ['testclient1'], 'arr-match-and-other': ['other', 'testclient1'],
        'arr-others': ['other', 'another'], 'arr-both': ['testclient1', 'testclient2'],
        'arr-match-and-int': ['testclient1', 5], 'comma-list': 'testclient1,testclient2',
        'prefix': 'testclient', 'upper': 'TESTCLIENT1',
    };
    for (const [t, v] of Object.entries(auds)) {
        add(`id.aud=${t}`, I, (n) => mint({ payload: idt(n, { aud: v }) }));
        add(`access.client_id=${t}`, A,
            (n) => mint({ payload: acc(n, { client_id: v }) }));
        // the claim the other token use would check
        add(`access.aud=${t}`, A, (n) => mint({ payload: acc(n, { aud: v }) }));
        add(`id.client_id=${t}`, I, (n) => mint({ payload: idt(n, { client_id: v }) }));
    }
    add('id.aud=missing+client_id', I,
        (n) => mint({ payload: idt(n, { aud: DEL, client_id: 'testclient1' }) }));
    add('access.client_id=missing+aud', A,
        (n) => mint({ payload: acc(n, { client_id: DEL, aud: 'testclient1' }) }));

    // cognito:groups against require_group admins
    const groups = {
        'arr': ['admins'], 'arr-two': ['readers', 'admins'], 'arr-other': ['readers'],
        'str': 'admins', 'str-words': 'readers admins', 'str-comma': 'readers,admins',
        'arr-empty': [], 'arr-match-then-int': ['admins', 5],
        'arr-int-then-match': [5, 'admins'], 'arr-nested': [['admins']],
        'arr-null': [null], 'upper': ['ADMINS'], 'arr-words': ['readers admins'],
        'null': null, 'missing': DEL, 'int': 5, 'obj': { admins: true },
        'true': true,
    };
    for (const [t, v] of Object.entries(groups)) {
        add(`access.groups=${t}`, ['group'],
            (n) => mint({ payload: acc(n, { 'cognito:groups': v }) }));
        add(`id.groups=${t}`, ['group'],
            (n) => mint({ payload: idt(n, { 'cognito:groups': v }) }));
    }

    // scope against require_scope shows/read
    const scopes = {
        'one': 'shows/read', 'among': 'openid shows/read profile',
        'other': 'openid profile', 'prefix': 'shows/readx', 'sub': 'shows',
        'double-space': 'openid  shows/read', 'tab': 'openid\tshows/read',
        'leading-space': ' shows/read', 'comma': 'openid,shows/read',
        'arr': ['shows/read'], 'arr-two': ['openid', 'shows/read'],
        'empty': '', 'null': null, 'missing': DEL, 'int': 5,
        'upper': 'SHOWS/READ',
    };
    for (const [t, v] of Object.entries(scopes)) {
        add(`access.scope=${t}`, ['scope'],
            (n) => mint({ payload: acc(n, { scope: v }) }));
    }

    // header: alg, kid, typ and others
    const hdrs = {
        'alg=RS384': { header: { alg: 'RS384' } },
        'alg=RS512': { header: { alg: 'RS512' } },
        'alg=PS256': { header: { alg: 'PS256' } },
        'alg=ES256': { header: { alg: 'ES256' }, sign: 'RS256' },
        'alg=none': { header: { alg: 'none' } },
        'alg=None': { header: { alg: 'None' }, sign: 'none' },
        'alg=none-with-sig': { header: { alg: 'none' }, sign: 'RS256' },
        'alg=HS256-pubkey': {
            header: { alg: 'HS256' },
            key: fs.readFileSync(path.join(data, 'rsa1.pub.pem')),
        },
        'alg=HS256-secret': { header: { alg: 'HS256' }, key: 'secret' },
        'alg=rs256': { header: { alg: 'rs256' }, sign: 'RS256' },
        'alg=empty': { header: { alg: '' }, sign: 'RS256' },
        'alg=missing': { header: { alg: DEL }, sign: 'RS256' },
        'alg=int': { header: { alg: 256 }, sign: 'RS256' },
        'alg=arr': { header: { alg: ['RS256'] }, sign: 'RS256' },
        'kid=missing': { header: { kid: DEL } },
        'kid=empty': { header: { kid: '' } },
        'kid=unknown': { header: { kid: 'no-such-key' } },
        'kid=int': { header: { kid: 1 } },
        'kid=null': { header: { kid: null } },
        'kid=arr': { header: { kid: ['test-key-1'] } },
        'kid=other-key': { header: { kid: 'test-key-2' } },
        'kid=other-key-signed-by-it': { header: { kid: 'test-key-2' }, key: rsa2 },
        'typ=JWT': { header: { typ: 'JWT' } },
        'typ=at+jwt': { header: { typ: 'at+jwt' } },
        'typ=int': { header: { typ: 5 } },
        'typ=JWE': { header: { typ: 'JWE' } },
        'cty=JWT': { header: { cty: 'JWT' } },
        'crit=exp': { header: { crit: ['exp'] } },
        'crit=empty': { header: { crit: [] } },
        'jku': { header: { jku: 'https://127.0.0.1:1/jwks.json' } },
        'x5u': { header: { x5u: 'https://127.0.0.1:1/cert.pem' } },
        'jwk': { header: { jwk: jwk(rsa1, { kid: 'test-key-1' }) } },
        'enc': { header: { enc: 'A256GCM' } },
        'zip': { header: { zip: 'DEF' } },
        'b64=false': { header: { b64: false, crit: ['b64'] } },
    };
    for (const [t, s] of Object.entries(hdrs)) {
        add(`access.${t}`, ['access'], (n) => mint(Object.assign({ payload: acc(n) }, s)));
    }
    add('header=array', ['access'], (n) => mint({
        headerText: '[{"kid":"test-key-1","alg":"RS256"}]', payload: acc(n) }));
    add('header=not-json', ['access'], (n) => mint({
        headerText: '{"kid":"test-key-1","alg":"RS256"', payload: acc(n) }));
    add('header=dup-alg', ['access'], (n) => mint({
        headerText: '{"kid":"test-key-1","alg":"none","alg":"RS256"}', payload: acc(n) }));

    // the "algs" pool: RSA keys without alg, an RS512-only key, an EC key
    const algs = {
        'RS256': {}, 'RS384': { header: { alg: 'RS384' } },
        'RS512': { header: { alg: 'RS512' } },
        'RS512-key2': { header: { alg: 'RS512', kid: 'test-key-2' }, key: rsa2 },
        'RS256-key2': { header: { kid: 'test-key-2' }, key: rsa2 },
        'PS256': { header: { alg: 'PS256' } },
        'ES256': { header: { alg: 'ES256', kid: 'ec-key-1' } },
        'ES256-rsa-kid': { header: { alg: 'ES256' }, sign: 'RS256' },
        'RS256-ec-kid': { header: { kid: 'ec-key-1' } },
    };
    for (const [t, s] of Object.entries(algs)) {
        add(`algs.${t}`, ['algs'],
            (n) => mint(Object.assign({ payload: acc(n, {}, 'algs') }, s)));
    }

    // signature and encoding
    const flip = (s) => {
        const b = Buffer.from(s, 'base64url');
        b[b.length >> 1] ^= 1;
        return b64u(b);
    };
    const enc = {
        'sig=flipped-bit': { post: seg(2, flip) },
        'sig=truncated-char': { post: seg(2, (s) => s.slice(0, -1)) },
        'sig=truncated-byte': { post: seg(2, (s) => b64u(Buffer.from(s, 'base64url').subarray(1))) },
        'sig=extra-char': { post: seg(2, (s) => `${s}A`) },
        'sig=empty': { post: seg(2, () => '') },
        'sig=noncanonical-last': { post: seg(2, noncanonical) },
        'sig=pad1': { post: seg(2, (s) => `${s}=`) },
        'sig=pad2': { post: seg(2, (s) => `${s}==`) },
        'sig=std-alphabet': { post: seg(2, (s) => Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')) },
        'payload=tampered': { post: seg(1, (s) => b64u(Buffer.from(
            Buffer.from(s, 'base64url').toString().replace('alice', 'mallory')))) },
        'parts=2': { post: (t) => parts(t).slice(0, 2).join('.') },
        'parts=4': { post: (t) => `${t}.${parts(t)[2]}` },
        'parts=5': { post: (t) => `${t}.AAAA.AAAA` },
        'trailing-dot': { post: (t) => `${t}.` },
    };
    for (const [t, s] of Object.entries(enc)) {
        add(`access.${t}`, ['access'], (n) => mint(Object.assign({ payload: acc(n) }, s)));
    }
    add('access.payload=noncanonical-last', ['access'], (n) => {
        const p = json(padToSpareBits(acc(n)));
        const pn = noncanonical(b64u(p));
        const h = b64u(json({ kid: 'test-key-1', alg: 'RS256' }));
        return `${h}.${pn}.${b64u(sign('RS256', `${h}.${pn}`, rsa1))}`;
    });
    add('access.payload=pad', ['access'], (n) => {
        const p = json(padToSpareBits(acc(n)));
        const pp = `${b64u(p)}==`;
        const h = b64u(json({ kid: 'test-key-1', alg: 'RS256' }));
        return `${h}.${pp}.${b64u(sign('RS256', `${h}.${pp}`, rsa1))}`;
    });
    add('access.header=noncanonical-last', ['access'], (n) => {
        const hdr = { kid: 'test-key-1', alg: 'RS256', x: '' };
        while (Buffer.byteLength(json(hdr)) % 3 !== 1) hdr.x += 'x';
        const h = noncanonical(b64u(json(hdr)));
        const p = b64u(json(acc(n)));
        return `${h}.${p}.${b64u(sign('RS256', `${h}.${p}`, rsa1))}`;
    });

    // JSON edge cases in the payload
    const payloadTexts = {
        'dup-key-same': (n) => json(acc(n)).replace(/}$/, ',"username":"alice"}'),
        'dup-token_use': (n) => json(acc(n)).replace(/^{/, '{"token_use":"id",'),
        'dup-exp': (n) => json(acc(n)).replace(/^{/, `{"exp":${n - 3600},`),
        'whitespace': (n) => ` \n${JSON.stringify(acc(n), null, 2)}\n `,
        'nul-escape': (n) => json(acc(n, { username: 'al\u0000ice' })),
        'nul-escape-custom': (n) => json(acc(n, { 'custom:x': 'a\u0000b' })),
        'unicode': (n) => json(acc(n, { username: 'ålice \u2603 \ud83d\ude00' })),
        'lone-surrogate-escape': (n) => json(acc(n)).replace('"alice"', '"\\ud800"'),
        'deep-16': (n) => json(acc(n, { 'custom:d': JSON.parse('['.repeat(15) + ']'.repeat(15)) })),
        'deep-40': (n) => json(acc(n, { 'custom:d': JSON.parse('['.repeat(40) + ']'.repeat(40)) })),
        'array': (n) => `[${json(acc(n))}]`,
        'string': () => '"x"',
        'not-json': (n) => json(acc(n)).slice(0, -1),
        'trailing-garbage': (n) => `${json(acc(n))}x`,
        'two-objects': (n) => `${json(acc(n))}{}`,
        'bom': (n) => `\ufeff${json(acc(n))}`,
        'proto-key': (n) => json(acc(n)).replace(/}$/, ',"__proto__":{"x":1}}'),
        'size-7k': (n) => json(acc(n, { 'custom:big': 'x'.repeat(5000) })),
        'size-9k': (n) => json(acc(n, { 'custom:big': 'x'.repeat(7000) })),
    };
    for (const [t, f] of Object.entries(payloadTexts)) {
        add(`access.payload=${t}`, ['access'], (n) => mint({ payloadText: f(n) }));
    }
    add('access.payload=invalid-utf8', ['access'], (n) => mint({
        payloadText: Buffer.concat([Buffer.from(json(acc(n)).slice(0, -1)),
            Buffer.from(',"custom:x":"a'), Buffer.from([0xff, 0xfe]),
            Buffer.from('b"}')]) }));
    add('access.payload=overlong-utf8', ['access'], (n) => mint({
        payloadText: Buffer.concat([Buffer.from(json(acc(n)).slice(0, -1)),
            Buffer.from(',"custom:x":"'), Buffer.from([0xc0, 0xaf]),
            Buffer.from('"}')]) }));

    return out;
}

// --- nginx ------------------------------------------------------------------

function nginxConf(prefix) {
    const poolLines = Object.entries(pools).map(([name, p]) =>
        `    cognito_auth_pool ${name} ${p.id} client_id=${clients.join(',')}`
        + ` jwks_file=${path.join(prefix, `jwks-${name}.json`)} ${p.conf};`);
    const locs = Object.entries(locations).map(([name, l]) => `
        location = /${name} {
            cognito_auth ${l.pool};
            ${l.conf}
            alias ${path.join(prefix, 'html', 'ok')};
        }`);
    return `load_module ${opt.module};
worker_processes 1;
daemon off;
master_process on;
pid ${path.join(prefix, 'logs', 'nginx.pid')};
error_log ${path.join(prefix, 'logs', 'error.log')} info;

events {
    worker_connections 64;
}

http {
    access_log off;
    default_type text/plain;
    large_client_header_buffers 4 32k;
    client_body_temp_path ${path.join(prefix, 'tmp')};
    proxy_temp_path ${path.join(prefix, 'tmp')};
    fastcgi_temp_path ${path.join(prefix, 'tmp')};
    uwsgi_temp_path ${path.join(prefix, 'tmp')};
    scgi_temp_path ${path.join(prefix, 'tmp')};

    cognito_auth_zone cognito:1m;
${poolLines.join('\n')}

    server {
        listen 127.0.0.1:${opt.port};
        add_header X-Err $cognito_error always;
${locs.join('\n')}
    }
}
`;
}

function startNginx(prefix) {
    for (const d of ['conf', 'logs', 'html', 'tmp']) {
        fs.mkdirSync(path.join(prefix, d), { recursive: true });
    }
    fs.chmodSync(prefix, 0o755);
    fs.writeFileSync(path.join(prefix, 'html', 'ok'), 'ok\n');
    for (const [name, p] of Object.entries(pools)) {
        fs.writeFileSync(path.join(prefix, `jwks-${name}.json`), JSON.stringify(p.jwks));
    }
    fs.writeFileSync(path.join(prefix, 'conf', 'nginx.conf'), nginxConf(prefix));
    const args = ['-p', `${prefix}/`, '-c', 'conf/nginx.conf',
                  '-e', path.join(prefix, 'logs', 'error.log')];
    const t = spawnSync(opt.nginx, ['-t', '-q'].concat(args), { encoding: 'utf8' });
    if (t.status !== 0) {
        throw new Error(`nginx -t refused ${prefix}/conf/nginx.conf:\n${t.stderr}`);
    }
    return spawn(opt.nginx, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function ask(loc, tok) {
    return new Promise((resolve, reject) => {
        const req = http.request({
            host: '127.0.0.1', port: opt.port, path: `/${loc}`, agent,
            headers: { Authorization: `Bearer ${tok}` },
        }, (res) => {
            res.resume();
            res.on('end', () => resolve({
                status: res.statusCode, err: res.headers['x-err'] || '' }));
        });
        req.setTimeout(5000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
    });
}

async function waitNginx(proc) {
    for (let i = 0; i < 100; i++) {
        if (proc.exitCode !== null) {
            throw new Error(`nginx exited (${proc.exitCode}) while starting`);
        }
        try {
            await ask('none', 'x');
            return;
        } catch (e) {
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    throw new Error(`nginx did not answer on 127.0.0.1:${opt.port}`);
}

// --- aws-jwt-verify ---------------------------------------------------------

function awsVerifiers() {
    const { CognitoJwtVerifier } = require('aws-jwt-verify');
    const v = {};
    for (const [name, l] of Object.entries(locations)) {
        const p = pools[l.pool];
        v[name] = CognitoJwtVerifier.create(Object.assign({
            userPoolId: p.id, clientId: clients, graceSeconds: 0,
        }, l.aws));
        v[name].cacheJwks(p.jwks);
    }
    return v;
}

function awsJudge(verifier, tok) {
    try {
        verifier.verifySync(tok);
        return { ok: true, why: '' };
    } catch (e) {
        const why = `${e.constructor.name}: ${String(e.message).slice(0, 120)}`;
        return { ok: false, why, param: e.constructor.name === 'ParameterValidationError' };
    }
}

// --- the deliberate differences ----------------------------------------------

function loadDeliberate() {
    const list = [];
    const lines = fs.readFileSync(opt.deliberate, 'utf8').split('\n');
    lines.forEach((line, i) => {
        if (/^\s*(#|$)/.test(line)) {
            return;
        }
        const m = line.match(/^(\S+)\s+nginx=(accept|reject)\s+aws=(accept|reject)\s+(\S.*)$/);
        if (!m || m[2] === m[3]) {
            throw new Error(`${opt.deliberate}:${i + 1}: expected "case nginx=V aws=V reason"`);
        }
        list.push({ name: m[1], nginx: m[2], aws: m[3], reason: m[4], hits: 0, bad: [] });
    });
    return list;
}

// an entry names a case (token@location) or a token (all its locations)
function entryFor(list, c) {
    return list.find((e) => e.name === c.name || e.name === c.name.split('@')[0]);
}

// --- main -------------------------------------------------------------------

async function judge(all, verifiers, tokens) {
    const results = [];
    for (const { c, loc, tok } of tokens) {
        const n = await ask(loc, tok);
        const a = awsJudge(verifiers[loc], tok);
        results.push({ name: `${c.name}@${loc}`, n, a });
    }
    return results;
}

function mintAll(list, now) {
    const tokens = [];
    for (const c of list) {
        const tok = c.make(now);
        for (const loc of c.locs) {
            tokens.push({ c, loc, tok });
        }
    }
    return tokens;
}

async function main() {
    const all = cases();
    const names = new Set();
    for (const c of all) {
        for (const loc of c.locs) {
            const n = `${c.name}@${loc}`;
            if (names.has(n)) throw new Error(`duplicate case ${n}`);
            names.add(n);
        }
    }
    if (opt.list) {
        for (const n of names) console.log(n);
        return 0;
    }

    const deliberate = loadDeliberate();
    const readme = fs.readFileSync(opt.readme, 'utf8');
    let failures = 0;
    for (const e of deliberate) {
        if (!readme.includes(`\`${e.name}\``)) {
            console.log(`docs: the deliberate difference \`${e.name}\` is not listed in ${opt.readme}`);
            failures++;
        }
    }

    const verifiers = awsVerifiers();
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'ngx-cognito-aws-diff-'));
    const proc = startNginx(prefix);
    let results = [];
    try {
        await waitNginx(proc);

        // margins of ten seconds or more: one "now" for all
        const loose = all.filter((c) => !c.tight);
        results = results.concat(await judge(all, verifiers,
            mintAll(loose, Math.floor(Date.now() / 1000))));

        // boundaries: minted and judged by both within one second
        const tight = all.filter((c) => c.tight);
        let done = false;
        for (let attempt = 0; attempt < 5 && !done; attempt++) {
            const ms = Date.now() % 1000;
            await new Promise((r) => setTimeout(r, (1000 - ms + 20) % 1000));
            const now = Math.floor(Date.now() / 1000);
            const r = await judge(all, verifiers, mintAll(tight, now));
            // within the first 400 ms, so that now+0.5 is still ahead
            if (Date.now() < now * 1000 + 400) {
                results = results.concat(r);
                done = true;
            }
        }
        if (!done) {
            throw new Error('the boundary cases could not be judged within one second');
        }
    } finally {
        agent.destroy();
        proc.kill('SIGQUIT');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
        await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
        clearTimeout(t);
    }

    let agree = 0;
    let known = 0;
    const verdict = (ok) => (ok ? 'accept' : 'reject');
    for (const r of results) {
        const nOk = r.n.status === 200;
        const nTxt = `${r.n.status}${r.n.err ? ` ${r.n.err}` : ''}`;
        const aTxt = r.a.ok ? 'accept' : r.a.why;
        const e = entryFor(deliberate, { name: r.name });
        if (![200, 401, 403].includes(r.n.status) || r.a.param) {
            console.log(`ERROR ${r.name}: nginx ${nTxt}; aws ${aTxt}`);
            failures++;
            continue;
        }
        if (nOk === r.a.ok) {
            if (opt.verbose) {
                console.log(`agree ${r.name}: nginx ${nTxt}; aws ${aTxt}`);
            }
            if (e) e.bad.push(`${r.name} agrees (${verdict(nOk)})`);
            agree++;
            continue;
        }
        if (e && e.nginx === verdict(nOk) && e.aws === verdict(r.a.ok)) {
            e.hits++;
            known++;
            console.log(`deliberate ${r.name}: nginx ${nTxt}; aws ${aTxt}`);
            continue;
        }
        console.log(`DIFF ${r.name}: nginx ${nTxt}; aws ${aTxt}`);
        failures++;
    }
    // a run in which both sides refuse everything would agree everywhere
    for (const name of ['access.valid@access', 'id.valid@id', 'access.valid@any',
                        'id.valid@any', 'access.groups=arr@group',
                        'access.scope=one@scope', 'algs.RS512@algs',
                        'dflt.valid@dflt']) {
        const r = results.find((x) => x.name === name);
        if (!r || r.n.status !== 200 || !r.a.ok) {
            console.log(`BASELINE ${name}: a valid token must be accepted by both`);
            failures++;
        }
    }
    for (const e of deliberate) {
        if (e.hits === 0 && e.bad.length === 0) {
            console.log(`STALE ${e.name}: listed as deliberate, but no case disagrees that way`);
            failures++;
        }
        for (const b of e.bad) {
            console.log(`STALE ${e.name}: listed as deliberate, but ${b}`);
            failures++;
        }
    }
    const unexpected = results.length - agree - known;
    console.log(`diff: ${results.length} cases, ${agree} agree, ${known} deliberate, `
                + `${unexpected} unexpected`);
    if (failures > 0 || opt.keep) {
        console.log(`diff: nginx's prefix kept in ${prefix}`);
    } else {
        fs.rmSync(prefix, { recursive: true, force: true });
    }
    return failures > 0 ? 1 : 0;
}

main().then((rc) => { process.exitCode = rc; }, (e) => {
    console.error(`diff: ${e.stack || e}`);
    process.exitCode = 2;
});
