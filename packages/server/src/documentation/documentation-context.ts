import { documentationRepos, pgCaller, type DocumentationRepos } from '@custodia/store';
import type { Caller } from '@custodia/core';
import type { AppDeps, AuthState } from '../app-env.js';

const byDeps = new WeakMap<AppDeps, DocumentationRepos>();

/** The documentation repositories over the server's database, built once per app. */
export function docRepos(deps: AppDeps): DocumentationRepos {
  let r = byDeps.get(deps);
  if (!r) byDeps.set(deps, (r = documentationRepos(deps.vault.db, deps.vault.ledger)));
  return r;
}

/** The signed-in user as the documentation use cases see them; case roles are read from memberships. */
export const callerOf = (deps: AppDeps, auth: AuthState): Caller =>
  pgCaller(deps.vault.db, { id: auth.user.id, username: auth.user.username, isAdmin: auth.user.isAdmin });
