// Who is signed in, and what that lets them do in the current case.
import { createContext, useContext } from 'react';
import type { Role, SessionInfo, UserSettings } from './api-types.js';

export interface SessionCtx {
  session: SessionInfo;
  settings: UserSettings;
  updateSettings: (s: Partial<UserSettings>) => Promise<void>;
  signOut: () => Promise<void>;
}
export const SessionContext = createContext<SessionCtx | null>(null);
export function useSession(): SessionCtx {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in screen');
  return s;
}

/** The interface hides what a role cannot do; the server refuses it regardless. */
export const can = {
  edit: (role: Role | null | undefined) => role === 'admin' || role === 'coordinator' || role === 'analyst',
  review: (role: Role | null | undefined) => role === 'admin' || role === 'coordinator' || role === 'reviewer',
  manage: (role: Role | null | undefined) => role === 'admin' || role === 'coordinator',
};
