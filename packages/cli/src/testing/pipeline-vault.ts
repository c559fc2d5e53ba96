// The set-up of the integration tests that ingest a folder and let the pipeline's workers process
// it: a fresh vault per database kind with the pipeline attached, and ingest as the tests' operator.
import { after, before } from 'node:test';
import { ingest, type IngestResult } from '@custodia/core';
import { initVault, type Vault } from '@custodia/store';
import { testConfig, type DbKind } from '@custodia/store/testing';
import { fsEvidenceReader } from '../evidence-reader.js';
import { attachPipeline, type PipelineRuntime } from '../pipeline-runtime.js';

/**
 * Inside describe(): a fresh vault on `kind` with the pipeline attached, made before the tests and
 * closed after them. Read `vault` and `rt` inside the tests (they exist once `before` has run).
 */
export function usePipelineVault(kind: DbKind): { readonly vault: Vault; readonly rt: PipelineRuntime } {
  let vault: Vault | undefined;
  let rt: PipelineRuntime | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const t = await testConfig(kind);
    cleanup = t.cleanup;
    vault = (await initVault(t.config, { actor: 'admin' })).vault;
    rt = await attachPipeline(vault);
  });
  after(async () => {
    await vault?.close();
    await cleanup?.();
  });
  return {
    get vault(): Vault {
      if (!vault) throw new Error('usePipelineVault: the vault is made in before(); read it inside a test');
      return vault;
    },
    get rt(): PipelineRuntime {
      if (!rt) throw new Error('usePipelineVault: the pipeline is attached in before(); read it inside a test');
      return rt;
    },
  };
}

/** Ingests the folder `root` into the case `caseName` (made if new). */
export function ingestFolder(vault: Vault, caseName: string, root: string): Promise<IngestResult> {
  return ingest({ caseName, roots: [root], operator: 'a', host: 'h', toolVersion: 't' }, { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader });
}
