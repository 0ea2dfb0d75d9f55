// The browser sign-in end to end (issue 14), run by t/e2e/browser.sh,
// which installs the npm packages into a cache outside the repository and
// passes their node_modules in E2E_NODE_MODULES.  The provider, nginx and
// the steps are t/e2e/signin.mjs's (the demo runs the same ones).  Each
// step prints one line; the first that fails stops the run with exit 1 and
// the end of nginx's error log.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as signin from './signin.mjs';

const env = process.env;
const run = fs.mkdtempSync(path.join(os.tmpdir(), 'ngx-cognito-browser.'));
fs.chmodSync(run, 0o755);    // nginx's workers (nobody under root)
let stepNo = 0;

function step(what) {
    stepNo++;
    console.log(`browser e2e: ${stepNo}. ${what}`);
}

let failed = false;
try {
    await signin.start({
        nodeModules: env.E2E_NODE_MODULES, module: env.E2E_MODULE,
        nginx: env.E2E_NGINX, chromium: env.E2E_CHROMIUM,
        providerPort: Number(env.E2E_PROVIDER_PORT),
        nginxPort: Number(env.E2E_NGINX_PORT),
        backendPort: Number(env.E2E_BACKEND_PORT),
        run, debug: env.E2E_DEBUG === '1',
    });
    await signin.walk(step);
    console.log(`browser e2e: all ${stepNo} steps passed`);
} catch (e) {
    failed = true;
    console.error(`browser e2e: FAILED at step ${stepNo}: ${e.message}`);
    const log = path.join(run, 'nginx', 'error.log');
    if (fs.existsSync(log)) {
        const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n');
        console.error(`--- ${log} (last lines)\n` +
                      lines.slice(-15).join('\n'));
    }
}
await signin.stop();
if (failed || env.E2E_KEEP === '1') {
    console.error(`browser e2e: run directory kept: ${run}`);
} else {
    fs.rmSync(run, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
