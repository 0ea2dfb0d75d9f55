// The demo's browser sign-in: t/e2e/signin.mjs's provider (oidc-provider
// standing in for Cognito's hosted UI), nginx's sign-in server and its
// steps, driven in headless Chromium, printed as walk-through steps.  Run
// by util/demo after the walk-through.
//
//   node demo/browser.mjs RUN_DIR [--serve READY_FILE]
//
// With --serve, once the steps passed, chromium is closed, READY_FILE gets
// the site's URL and the test user's name and password (JSON), and the
// provider, the backend and nginx keep running until TERM or INT.
//
// SIGNIN_NODE_MODULES (t/e2e/package.json's packages), SIGNIN_MODULE,
// SIGNIN_NGINX, SIGNIN_CHROMIUM; BROWSER_PROVIDER_PORT,
// BROWSER_NGINX_PORT, BROWSER_BACKEND_PORT.

import fs from 'node:fs';

import * as signin from '../t/e2e/signin.mjs';

const env = process.env;
const [run, flag, ready] = process.argv.slice(2);
const serve = flag === '--serve';
if (!run || (flag !== undefined && (!serve || !ready))) {
    console.error('usage: node demo/browser.mjs RUN_DIR [--serve READY_FILE]');
    process.exit(2);
}

let n = 0;
let pending = null;

function passed() {
    if (pending !== null) {
        console.log(`ok   ${n}. ${pending}`);
        pending = null;
    }
}

function step(title) {
    passed();
    n++;
    pending = title;
}

async function end(rc) {
    await signin.stop();
    process.exit(rc);
}

let site;
try {
    ({ site } = await signin.start({
        nodeModules: env.SIGNIN_NODE_MODULES, module: env.SIGNIN_MODULE,
        nginx: env.SIGNIN_NGINX, chromium: env.SIGNIN_CHROMIUM,
        providerPort: Number(env.BROWSER_PROVIDER_PORT),
        nginxPort: Number(env.BROWSER_NGINX_PORT),
        backendPort: Number(env.BROWSER_BACKEND_PORT),
        run,
    }));
    console.log(`browser sign-in: ${site}, headless Chromium, `
                + `user ${signin.USER.name}\n`);
    await signin.walk(step);
    passed();
    console.log(`\nbrowser sign-in: ${n} of ${n} steps as expected`);
} catch (e) {
    if (n === 0) {
        console.log(`FAIL starting the servers or Chromium: ${e.message}`);
    } else {
        console.log(`FAIL ${n}. ${pending}\n       MISMATCH: ${e.message}\n`);
        console.log(`browser sign-in: ${n - 1} of ${n} steps as expected, `
                    + 'then stopped');
    }
    await end(1);
}

if (!serve) {
    await end(0);
}
await signin.closeBrowser();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(s, () => end(0));
}
fs.writeFileSync(ready, JSON.stringify({
    site, user: signin.USER.name, password: signin.USER.password,
}));
