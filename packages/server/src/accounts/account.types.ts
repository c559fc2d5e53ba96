import { z } from 'zod';
import { CASE_ROLES, roleRank, type CaseRole } from '@custodia/core';

// The role ladder is the domain's (core/access/caller.ts); the server only validates it.
export { CASE_ROLES, roleRank, type CaseRole };
export const caseRoleSchema = z.enum(CASE_ROLES);

/** Grants that reveal protected fields, given per membership. */
export const GRANTS = ['protected-identities', 'source-identity'] as const;
export type Grant = (typeof GRANTS)[number];
export const grantSchema = z.enum(GRANTS);


export const userSettingsSchema = z.object({
  /** Show thumbnails and video unblurred, in colour, with sound, without a click first. */
  revealMedia: z.boolean().default(false),
  locale: z.enum(['en', 'ru', 'uk']).default('en'),
});
export type UserSettings = z.output<typeof userSettingsSchema>;

export interface User {
  id: number;
  username: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  totpEnabled: boolean;
  settings: UserSettings;
  createdAt: Date;
}

export interface Session {
  id: number;
  userId: number;
  csrfToken: string;
  /** A session that may only enrol a second factor (an admin signed in without TOTP set up). */
  restricted: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface Membership {
  caseId: number;
  userId: number;
  role: CaseRole;
  grants: Grant[];
}

/** What the ledger records as the actor of a user's action. */
export const actorOf = (u: Pick<User, 'username'>): string => `user:${u.username}`;

export const usernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit');
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(1024);
export const displayNameSchema = z.string().trim().min(1).max(200);
