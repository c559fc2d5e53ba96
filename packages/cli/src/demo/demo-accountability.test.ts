import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@custodia/store/testing';
import { demoAccountabilityFile, SEEDS_DIR, writeDemoAccountability, type ImportClaim } from './demo-accountability.js';

const file = demoAccountabilityFile();

async function seedText(sourceKey: string): Promise<string> {
  const src = file.sources.find((s) => s.key === sourceKey);
  assert.ok(src, `claim names an unknown source "${sourceKey}"`);
  assert.ok(src.capturedCopy, `source ${sourceKey} has no captured copy`);
  return readFile(join(SEEDS_DIR, src.capturedCopy), 'utf8');
}

/** Every claim of the file, with where it is (for a failure message that finds it). */
function allClaims(): { where: string; claim: ImportClaim }[] {
  const out: { where: string; claim: ImportClaim }[] = [];
  for (const p of file.persons) p.positions.forEach((pos, i) => pos.claims.forEach((claim, k) => out.push({ where: `persons.${p.key}.positions[${i}].claims[${k}]`, claim })));
  for (const p of file.proceedings) p.events.forEach((e, i) => e.claims.forEach((claim, k) => out.push({ where: `proceedings.${p.key}.events[${i}].claims[${k}]`, claim })));
  return out;
}

test('every quote of the demo accountability file is a verbatim substring of its captured report', async () => {
  const claims = allClaims();
  assert.ok(claims.length >= 14, `claims: ${claims.length}`);
  for (const { where, claim } of claims) {
    const text = await seedText(claim.source);
    assert.ok(claim.quote.trim().length >= 10, `${where}: quote too short to identify a passage`);
    assert.ok(text.includes(claim.quote), `${where}: "${claim.quote}" is not in ${claim.source}`);
  }
});

test('the file covers what the reports say, with the source protected and no invented dates', () => {
  const byKey = new Map(file.proceedings.map((p) => [p.key, p]));
  assert.equal(byKey.get('officials-fired')?.unnamedSubjects, 18);
  assert.equal(byKey.get('officials-disciplined')?.unnamedSubjects, 11);
  assert.equal(byKey.get('head-and-regional-officials-dismissed')?.unnamedSubjects, 4);
  assert.equal(byKey.get('criminal-cases-opened')?.type, 'criminal-case');
  const exposure = file.proceedings.filter((p) => p.sourceExposure).map((p) => p.type).sort();
  assert.deepEqual(exposure, ['arrest-in-absentia', 'asylum-application', 'case-dismissed', 'charge', 'wanted-list-entry']);
  for (const p of file.proceedings.filter((x) => x.sourceExposure)) assert.deepEqual(p.subjects, ['source']);
  const source = file.persons.find((p) => p.isSource);
  assert.ok(source?.protected?.realName, 'the source has a protected identity');
  assert.ok(!source.pseudonym.includes('Savel'), 'the pseudonym does not name the source');
  // Quotes about the source's exposure do not carry the name either (the reports allow it).
  for (const p of file.proceedings.filter((x) => x.sourceExposure)) {
    for (const e of p.events) for (const c of e.claims) assert.doesNotMatch(c.quote, /Savel/, `${p.key}: ${c.quote}`);
  }
  for (const s of file.sources) assert.equal(s.publishedOn, null, 'the reports carry no publication date');
  for (const p of file.proceedings) for (const e of p.events) assert.equal(e.on, null, `${p.key}: the reports give no full date`);
  const keys = new Set(file.persons.map((p) => p.key));
  for (const p of file.proceedings) for (const s of p.subjects) assert.ok(keys.has(s), `${p.key}: subject ${s}`);
  assert.match(file.label ?? '', /Demonstration data taken from two news reports/);
});

test('writeDemoAccountability writes the file with both captured copies beside it', async () => {
  const dir = await tempDir('custodia-demo-acc-');
  try {
    const path = await writeDemoAccountability(dir.path);
    assert.deepEqual((await readdir(dir.path)).sort(), ['report-asylum.txt', 'report-case-dropped.txt', 'saratov.accountability.json']);
    const written = JSON.parse(await readFile(path, 'utf8')) as { format: string; sources: { capturedCopy: string }[] };
    assert.equal(written.format, 'custodia-accountability/1');
    for (const s of written.sources) assert.equal(await readFile(join(dir.path, s.capturedCopy), 'utf8'), await readFile(join(SEEDS_DIR, s.capturedCopy), 'utf8'));
  } finally {
    await dir.remove();
  }
});
