// The demo's people and places: three accounts with generated passwords, the demo cases with their
// memberships, and the facilities tree whose cameras carry the labels burned into the footage.
// Everything goes through the product's own use cases and ledger entries.
import { randomBytes } from 'node:crypto';
import { createFacility, type Caller, type CaseRole, type Facility } from '@custodia/core';
import { documentationRepos, pgCaller, type Vault } from '@custodia/store';
import { createUser, otpauthUrl, PasswordHasher, PgAccountsRepo, SecretBox, type Grant } from '@custodia/server';
import type { DemoCamera } from './demo-footage.js';
import type { DemoAccount } from './demo-instance.js';

export interface DemoUser {
  id: number;
  account: DemoAccount;
  caller: Caller;
}

export interface DemoUsers {
  admin: DemoUser;
  analyst: DemoUser;
  reviewer: DemoUser;
}

/** 16 random characters (96 bits): a new password on every demo run, never a fixed default. */
export const newDemoPassword = (): string => randomBytes(12).toString('base64url');

/** The administrator (with TOTP, as every administrator must), an analyst and a reviewer. */
export async function createDemoUsers(vault: Vault, actor: string): Promise<DemoUsers> {
  const deps = {
    db: vault.db,
    ledger: vault.ledger,
    accounts: new PgAccountsRepo(vault.db),
    passwords: new PasswordHasher(),
    secrets: await SecretBox.forHome(vault.config.home),
  };
  const make = async (username: string, displayName: string, role: DemoAccount['role']): Promise<DemoUser> => {
    const password = newDemoPassword();
    const isAdmin = role === 'administrator';
    const { user, totpSecret } = await createUser(deps, { username, displayName, password, isAdmin, withTotp: isAdmin }, actor);
    return {
      id: user.id,
      account: {
        username,
        password,
        role,
        totpSecret,
        otpauthUrl: totpSecret ? otpauthUrl(`Custodia ${vault.instance.origin}`, username, totpSecret) : null,
      },
      caller: pgCaller(vault.db, { id: user.id, username: user.username, isAdmin: user.isAdmin }),
    };
  };
  return {
    admin: await make('demo-admin', 'Demo administrator', 'administrator'),
    analyst: await make('demo-analyst', 'Demo analyst', 'analyst'),
    reviewer: await make('demo-reviewer', 'Demo reviewer', 'reviewer'),
  };
}

/**
 * Creates a case with its members, as the workspace does (case and memberships in one transaction
 * with their ledger entries). The administrator holds both grants, the reviewer sees protected
 * identities, the analyst neither: the demo shows what each role sees.
 */
export async function createDemoCase(vault: Vault, users: DemoUsers, name: string): Promise<number> {
  const accounts = new PgAccountsRepo(vault.db);
  const actor = `user:${users.admin.account.username}`;
  const members: [DemoUser, CaseRole, Grant[]][] = [
    [users.admin, 'admin', ['protected-identities', 'source-identity']],
    [users.reviewer, 'reviewer', ['protected-identities']],
    [users.analyst, 'analyst', []],
  ];
  return vault.db.transaction(async (tx) => {
    const kase = await vault.repo.createCaseIn(tx, name, actor);
    if (!kase) throw new Error(`a case named "${name}" exists already`);
    for (const [u, role, grants] of members) {
      await accounts.putMember(tx, { caseId: kase.id, userId: u.id, role, grants });
      await vault.ledger.append(tx, { actor, action: 'member-added', details: { case: kase.id, user: u.id, username: u.account.username, role, grants } });
    }
    return kase.id;
  });
}

/** Region → facility → units → cameras (overlay labels as burned into the footage); camera ids by key. */
export async function createDemoFacilities(vault: Vault, admin: DemoUser, cameras: readonly DemoCamera[]): Promise<{ facilityId: number; cameras: Map<string, Facility> }> {
  const repos = documentationRepos(vault.db, vault.ledger);
  const caller = admin.caller;
  const hospitalType = (await repos.taxonomy.terms('facility-type')).find((t) => t.key === 'prison-hospital');
  const add = (kind: Facility['kind'], name: string, parentId: number | null, overlayLabel: string | null = null, facilityTypeTermId: number | null = null) =>
    createFacility(repos, caller, { kind, name, parentId, overlayLabel, facilityTypeTermId });
  const region = await add('region', 'Demo region (fictitious)', null);
  const facility = await add('facility', 'Demo prison hospital (fictitious)', region.id, null, hospitalType?.id ?? null);
  const units = {
    ward: await add('unit', 'Ward block', facility.id),
    admin: await add('unit', 'Administrative block', facility.id),
  };
  const byKey = new Map<string, Facility>();
  for (const c of cameras) byKey.set(c.key, await add('camera', c.name, units[c.unit].id, c.label));
  return { facilityId: facility.id, cameras: byKey };
}
