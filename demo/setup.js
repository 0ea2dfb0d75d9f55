'use strict';
// Sets up the demo's user pool in cognito-local through the Cognito API
// (the AWS SDK's own client, pointed at the emulator), signs the users in,
// and writes everything the walk-through needs to a JSON file:
//
//   node setup.js OUT.json
//
//   COGNITO_ENDPOINT (default http://127.0.0.1:19229)
//
// Besides the emulator's real tokens it makes two bad ones:
//   forged:  alice's claims, the emulator's kid, signed with a key of our own
//   expired: alice's claims with exp an hour ago, signed with cognito-local's
//            own private key.  That key ships inside the npm package (so
//            anyone can mint tokens the emulator's JWKS accepts: demos and
//            tests only); an expired token is the honest thing to make here.

const crypto = require('node:crypto');
const fs = require('node:fs');
const {
    CognitoIdentityProviderClient,
    CreateUserPoolCommand,
    CreateUserPoolClientCommand,
    CreateGroupCommand,
    AdminCreateUserCommand,
    AdminSetUserPasswordCommand,
    AdminAddUserToGroupCommand,
    InitiateAuthCommand,
} = require('@aws-sdk/client-cognito-identity-provider');

const ENDPOINT = process.env.COGNITO_ENDPOINT || 'http://127.0.0.1:19229';
const out = process.argv[2];
if (!out) {
    console.error('usage: node setup.js OUT.json');
    process.exit(2);
}

const PASSWORD = 'Demo-Passw0rd!';

// who is who: groups decide /graphql (admins or editors), the custom:clientId
// attribute decides the tenant of /lambda/
const USERS = [
    { name: 'alice', groups: ['admins', 'tenant-acme'], clientId: 'acme' },
    { name: 'bob', groups: ['editors', 'tenant-globex'], clientId: 'globex' },
    { name: 'carol', groups: ['viewers', 'tenant-acme'], clientId: 'acme' },
    { name: 'dave', groups: ['editors'], clientId: null },
];
const GROUPS = ['admins', 'editors', 'viewers', 'tenant-acme', 'tenant-globex'];

const cognito = new CognitoIdentityProviderClient({
    endpoint: ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function decode(jwt) {
    const [h, p] = jwt.split('.');
    return {
        header: JSON.parse(Buffer.from(h, 'base64url')),
        payload: JSON.parse(Buffer.from(p, 'base64url')),
    };
}

function sign(header, payload, privateKey) {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const sig = crypto.sign('sha256', Buffer.from(input), privateKey);
    return `${input}.${b64url(sig)}`;
}

async function main() {
    const pool = (await cognito.send(new CreateUserPoolCommand({
        PoolName: 'ngx-cognito-demo',
        Schema: [{ Name: 'clientId', AttributeDataType: 'String', Mutable: true }],
    }))).UserPool;

    const client = (await cognito.send(new CreateUserPoolClientCommand({
        UserPoolId: pool.Id,
        ClientName: 'demo-web',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))).UserPoolClient;

    for (const g of GROUPS) {
        await cognito.send(new CreateGroupCommand({ UserPoolId: pool.Id, GroupName: g }));
    }

    const tokens = {};
    for (const u of USERS) {
        const attrs = [{ Name: 'email', Value: `${u.name}@example.com` }];
        if (u.clientId) {
            attrs.push({ Name: 'custom:clientId', Value: u.clientId });
        }
        await cognito.send(new AdminCreateUserCommand({
            UserPoolId: pool.Id, Username: u.name, UserAttributes: attrs,
            MessageAction: 'SUPPRESS', TemporaryPassword: PASSWORD,
        }));
        await cognito.send(new AdminSetUserPasswordCommand({
            UserPoolId: pool.Id, Username: u.name, Password: PASSWORD, Permanent: true,
        }));
        for (const g of u.groups) {
            await cognito.send(new AdminAddUserToGroupCommand({
                UserPoolId: pool.Id, Username: u.name, GroupName: g,
            }));
        }
        const auth = (await cognito.send(new InitiateAuthCommand({
            ClientId: client.ClientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: u.name, PASSWORD },
        }))).AuthenticationResult;
        tokens[u.name] = {
            id: auth.IdToken, access: auth.AccessToken,
            refresh: auth.RefreshToken,
        };
    }

    // the emulator's key id, from its JWKS, as a client would see it
    const jwksUrl = `${ENDPOINT}/${pool.Id}/.well-known/jwks.json`;
    const jwks = await (await fetch(jwksUrl)).json();
    const kid = jwks.keys[0].kid;

    const alice = decode(tokens.alice.id);
    const issuer = alice.payload.iss;

    // forged: right kid, right claims, somebody else's key
    const { privateKey: ownKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = sign({ alg: 'RS256', typ: 'JWT', kid }, alice.payload, ownKey);

    // expired: the emulator's own key, exp an hour ago (well past any leeway)
    const emulatorKey = require('cognito-local/lib/keys/cognitoLocal.private.json');
    const now = Math.floor(Date.now() / 1000);
    const expired = sign({ alg: 'RS256', typ: 'JWT', kid },
        { ...alice.payload, auth_time: now - 7200, iat: now - 7200, exp: now - 3600,
          jti: crypto.randomUUID() },
        crypto.createPrivateKey(emulatorKey.pem));

    const result = {
        endpoint: ENDPOINT,
        poolId: pool.Id,
        clientId: client.ClientId,
        issuer,
        jwksUrl,
        kid,
        users: USERS,
        tokens: { ...tokens, forged, expired },
    };
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n', { mode: 0o600 });
    console.log(`setup: pool ${pool.Id}, app client ${client.ClientId}, `
                + `${USERS.length} users signed in, issuer ${issuer}`);
}

main().catch((e) => {
    console.error(`setup: ${e.name || 'error'}: ${e.message}`);
    process.exit(1);
});
