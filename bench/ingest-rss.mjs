#!/usr/bin/env node
// Ingests one path into the instance at argv[2] and prints peak RSS, bytes and seconds as JSON.
import { performance } from 'node:perf_hooks';
import { ingest } from '@custodia/core';
import { loadConfig, openVault } from '@custodia/store';
import { fsEvidenceReader } from '../packages/cli/dist/evidence-reader.js';

const [home, path] = process.argv.slice(2);
const vault = await openVault(loadConfig({ CUSTODIA_HOME: home }));
const t = performance.now();
const r = await ingest(
  { caseName: 'rss', roots: [path], operator: 'bench', host: 'bench', toolVersion: 'bench' },
  { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
);
const seconds = (performance.now() - t) / 1000;
await vault.close();
console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, bytes: r.summary.bytes, seconds }));
