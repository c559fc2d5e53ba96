import { z } from 'zod';
import { userSettingsSchema, type User } from '../accounts/account.types.js';

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  settings: userSettingsSchema,
});

export const sessionResponse = z.object({
  user: userSchema,
  csrfToken: z.string(),
  /** True while the session may only enrol a second factor. */
  restricted: z.boolean(),
});

export const toUserDto = (u: User): z.input<typeof userSchema> => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  disabled: u.disabled,
  totpEnabled: u.totpEnabled,
  settings: u.settings,
});

export const okResponse = z.object({ ok: z.literal(true) });
