'use strict';
// AWS's own AppSync simulator (the one behind `amplify mock api`) with a
// small schema that uses Cognito user-pool auth and
// @aws_auth(cognito_groups: [...]), bound to 127.0.0.1.
//
// The simulator only decodes the bearer token, it never verifies it: any
// well-formed JWT, expired or forged, gets through.  That is the point of the
// gateway in front of it; the demo shows an expired token that nginx refuses
// and that this simulator, asked directly, accepts.
//
//   APPSYNC_PORT    (default 19230)
//   COGNITO_ISSUER  the emulator's issuer, http://127.0.0.1:<port>/local_<id>

const path = require('node:path');
const {
    AmplifyAppSyncSimulator,
    AmplifyAppSyncSimulatorAuthenticationType: AuthType,
} = require('@aws-amplify/amplify-appsync-simulator');

const HOST = '127.0.0.1';
const PORT = parseInt(process.env.APPSYNC_PORT || '19230', 10);
const ISSUER = process.env.COGNITO_ISSUER || '';

// The simulator takes a token for a user-pool token only when its issuer is
// AWS's (https://cognito-idp.<region>.amazonaws.com/...).  Teach it the
// emulator's issuer too, so that @aws_auth and $ctx.identity work as on AWS.
// (Its exports are getters over this module's plain properties.)
const authModePath = path.join(
    path.dirname(require.resolve('@aws-amplify/amplify-appsync-simulator')),
    'utils', 'auth-helpers', 'current-auth-mode.js');
const authMode = require(authModePath);
const origGetAuthorizationMode = authMode.getAuthorizationMode;
authMode.getAuthorizationMode = (headers, appSyncConfig) => {
    const auth = headers.authorization;
    if (ISSUER && typeof auth === 'string') {
        try {
            const payload = JSON.parse(Buffer.from(
                auth.replace(/^Bearer\s+/i, '').split('.')[1], 'base64url'));
            if (payload.iss === ISSUER) {
                return AuthType.AMAZON_COGNITO_USER_POOLS;
            }
        } catch (e) {
            // not a JWT: the simulator's own rules decide
        }
    }
    return origGetAuthorizationMode(headers, appSyncConfig);
};

const schema = `
type Query {
  # any signed-in user of the pool (nginx narrows it to admins and editors)
  me: Me @aws_cognito_user_pools
  # AppSync's own group check, behind the gateway's
  adminReport: String @aws_auth(cognito_groups: ["admins"])
}

type Me @aws_cognito_user_pools {
  sub: String
  username: String
  groups: [String]
  # what the gateway told us, from headers nginx set after verifying
  tenant: String
  gatewayGroups: String
}
`;

const meRequest = `{
  "version": "2018-05-29",
  "payload": {
    "sub": $util.toJson($ctx.identity.sub),
    "username": $util.toJson($ctx.identity.username),
    "groups": $util.toJson($ctx.identity.claims.get("cognito:groups")),
    "tenant": $util.toJson($ctx.request.headers.get("x-tenant-id")),
    "gatewayGroups": $util.toJson($ctx.request.headers.get("x-cognito-groups"))
  }
}`;

const reportRequest = `#set($tenant = $ctx.request.headers.get("x-tenant-id"))
{
  "version": "2018-05-29",
  "payload": "admin report for $ctx.identity.username, tenant $!tenant"
}`;

const passThrough = '$util.toJson($ctx.result)';

const simulator = new AmplifyAppSyncSimulator({ port: PORT, wsPort: PORT });

simulator.init({
    appSync: {
        name: 'ngx-cognito-demo',
        defaultAuthenticationType: {
            authenticationType: AuthType.AMAZON_COGNITO_USER_POOLS,
            cognitoUserPoolConfig: {},
        },
        additionalAuthenticationProviders: [],
    },
    schema: { content: schema },
    dataSources: [{ type: 'NONE', name: 'none' }],
    mappingTemplates: [
        { path: 'me.req.vtl', content: meRequest },
        { path: 'report.req.vtl', content: reportRequest },
        { path: 'pass.res.vtl', content: passThrough },
    ],
    resolvers: [
        { kind: 'UNIT', typeName: 'Query', fieldName: 'me', dataSourceName: 'none',
          requestMappingTemplateLocation: 'me.req.vtl',
          responseMappingTemplateLocation: 'pass.res.vtl' },
        { kind: 'UNIT', typeName: 'Query', fieldName: 'adminReport', dataSourceName: 'none',
          requestMappingTemplateLocation: 'report.req.vtl',
          responseMappingTemplateLocation: 'pass.res.vtl' },
    ],
});

// The simulator's own start() probes the port on every interface and then
// listens on all of them; start its parts here on 127.0.0.1 only.
const server = simulator._server;
async function start() {
    await server._realTimeSubscriptionServer.start();
    await new Promise((resolve, reject) => {
        server._httpServer.once('error', reject);
        server._httpServer.listen(PORT, HOST, resolve);
    });
    server._url = `http://${HOST}:${PORT}`;
    server._localhostUrl = `http://${HOST}:${PORT}`;
}

start().then(() => {
    console.log(`appsync: simulator listening on http://${HOST}:${PORT}/graphql`
                + ` (user-pool issuer ${ISSUER || 'AWS only'})`);
}, (e) => {
    console.error(`appsync: cannot listen on ${HOST}:${PORT}: ${e.message}`);
    process.exit(1);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
        simulator.stop().finally(() => process.exit(0));
    });
}
