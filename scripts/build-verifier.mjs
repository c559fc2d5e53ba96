#!/usr/bin/env node
// Bundles packages/verify (and @custodia/ledger, which it imports) into ONE file,
// packages/verify/dist/verify.js, that `custodia export` copies into every court package.
// It must run with plain `node verify.js` on Node >= 18, with no install, wherever the package
// is put — also inside a folder whose package.json says "type": "module". So the bundle is
// written to be valid both as CommonJS and as an ES module: no require, no import statements,
// no import.meta; Node's built-in modules are loaded with dynamic import() before the code runs.
// Run after `tsc -b` (it bundles the compiled JavaScript).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}packages/verify/dist/verify.main.js`;
const out = `${root}packages/verify/dist/verify.js`;

const bundle = await rolldown({ input: entry, platform: 'node', external: [/^node:/], logLevel: 'warn' });
const { output } = await bundle.generate({ format: 'cjs', sourcemap: false, minify: false });
await bundle.close();
if (output.length !== 1) throw new Error(`expected one chunk, got ${output.length}`);
let code = output[0].code;

const builtins = new Set();
code = code.replace(/require\((["'])(node:[a-z_/]+)\1\)/g, (_, _q, name) => {
  builtins.add(name);
  return `__builtin(${JSON.stringify(name)})`;
});
if (/\brequire\(|\bimport\.meta\b|^\s*(import|export)\s/m.test(code)) {
  throw new Error('the verifier bundle still has require/import/export: it would not run both as CommonJS and as an ES module');
}
const version = JSON.parse(await readFile(`${root}packages/verify/package.json`, 'utf8')).version;
const wrapped = `// Custodia offline verifier ${version} — one self-contained file, no install needed.
// Usage: node verify.js <package folder or .zip> [--json] [--key <verifier key>]   (Node.js 18 or later)
// Source: packages/verify and packages/ledger of the Custodia repository (bundled, not minified).
(async () => {
const __builtins = {};
for (const name of ${JSON.stringify([...builtins].sort())}) __builtins[name] = await import(name);
// crypto.hash() is Node >= 20.12; older Nodes get the equivalent createHash call.
if (__builtins['node:crypto'] && typeof __builtins['node:crypto'].hash !== 'function') {
  const c = __builtins['node:crypto'];
  __builtins['node:crypto'] = { ...c, hash: (alg, data, enc) => { const d = c.createHash(alg).update(data).digest(); return enc === 'buffer' ? d : d.toString(enc || 'hex'); } };
}
const __builtin = (name) => __builtins[name];
${code}
})().catch((e) => { process.stderr.write('verify.js: could not run: ' + (e && e.stack || e) + '\\n'); process.exitCode = 3; });
`;
await writeFile(out, wrapped);
process.stderr.write(`build-verifier: ${out} (${(wrapped.length / 1024).toFixed(0)} KiB, builtins: ${[...builtins].join(', ')})\n`);
