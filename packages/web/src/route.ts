// Hash routing: the server only has to serve index.html at "/", and a reload keeps the screen.
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'cases' }
  | { name: 'case'; caseId: string; tab: 'dashboard' | 'items' | 'incidents' | 'persons' | 'accountability' | 'members' | 'ledger' }
  | { name: 'item'; caseId: string; itemId: string; t?: number }
  | { name: 'redact'; caseId: string; itemId: string; redactionId?: string }
  | { name: 'incident'; caseId: string; incidentId: string }
  | { name: 'proceeding'; caseId: string; proceedingId: string }
  | { name: 'facilities' }
  | { name: 'taxonomy' }
  | { name: 'users' }
  | { name: 'settings' }
  | { name: 'intake' };

const TABS = ['dashboard', 'items', 'incidents', 'persons', 'accountability', 'members', 'ledger'] as const;

export function parseRoute(hash: string): Route {
  const [path, query] = hash.replace(/^#/, '').split('?');
  const p = (path ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  if (p[0] === 'cases' && p[1]) {
    if (p[2] === 'items' && p[3] && p[4] === 'redact') {
      const r = new URLSearchParams(query ?? '').get('r');
      return { name: 'redact', caseId: p[1], itemId: p[3], ...(r ? { redactionId: r } : {}) };
    }
    if (p[2] === 'items' && p[3]) {
      const t = Number(new URLSearchParams(query ?? '').get('t'));
      return { name: 'item', caseId: p[1], itemId: p[3], ...(Number.isFinite(t) && t > 0 ? { t } : {}) };
    }
    if (p[2] === 'incidents' && p[3]) return { name: 'incident', caseId: p[1], incidentId: p[3] };
    if (p[2] === 'proceedings' && p[3]) return { name: 'proceeding', caseId: p[1], proceedingId: p[3] };
    const tab = (TABS as readonly string[]).includes(p[2] ?? '') ? (p[2] as (typeof TABS)[number]) : 'dashboard';
    return { name: 'case', caseId: p[1], tab };
  }
  if (p[0] === 'facilities') return { name: 'facilities' };
  if (p[0] === 'taxonomy') return { name: 'taxonomy' };
  if (p[0] === 'users') return { name: 'users' };
  if (p[0] === 'settings') return { name: 'settings' };
  if (p[0] === 'intake') return { name: 'intake' };
  return { name: 'cases' };
}

type Id = string | number;

export const href = {
  cases: () => '#/',
  case: (caseId: Id, tab: string = 'dashboard') => `#/cases/${caseId}/${tab}`,
  item: (caseId: Id, itemId: Id, t?: number) => `#/cases/${caseId}/items/${itemId}${t ? `?t=${t.toFixed(2)}` : ''}`,
  redact: (caseId: Id, itemId: Id, redactionId?: Id) => `#/cases/${caseId}/items/${itemId}/redact${redactionId ? `?r=${redactionId}` : ''}`,
  incident: (caseId: Id, id: Id) => `#/cases/${caseId}/incidents/${id}`,
  proceeding: (caseId: Id, id: Id) => `#/cases/${caseId}/proceedings/${id}`,
  facilities: () => '#/facilities',
  taxonomy: () => '#/taxonomy',
  users: () => '#/users',
  settings: () => '#/settings',
  intake: () => '#/intake',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
