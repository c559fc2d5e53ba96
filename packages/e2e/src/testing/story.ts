// Steps the browser stories share: signing in, the first administrator, users and members, the
// accountability forms, and calls to the API from a signed-in page (as the app itself makes them).
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { Authenticator } from './totp.js';

export async function signIn(page: Page, username: string, password: string, totp?: Authenticator): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  if (totp) {
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await code.fill(await totp.next());
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByTestId('whoami').waitFor();
}

/** The page's session calling the API: writes carry its CSRF token, as the app sends them. */
export const pageApi = (page: Page) => ({
  send: (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const s = await (await fetch('/api/session')).json();
        const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: r.status, body: await r.json().catch(() => null) };
      },
      { method, path, body },
    ),
  /** A plain GET, its body as JSON (null when it is not). */
  get: (path: string) =>
    page.evaluate(async (path) => {
      const r = await fetch(path);
      return { status: r.status, body: await r.json().catch(() => null) };
    }, path),
  /** A plain GET, its body as text. */
  text: (path: string) =>
    page.evaluate(async (path) => {
      const r = await fetch(path);
      return { status: r.status, text: await r.text() };
    }, path),
});

/**
 * First-run setup with the code from the console, then TOTP enrolment; `shot` is called on the
 * setup form and on the enrolment. Returns the administrator's authenticator.
 */
export async function setUpAdministrator(
  page: Page,
  setupCode: string,
  admin: { username: string; displayName: string; password: string },
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<Authenticator> {
  await page.goto('/');
  await page.getByLabel('Setup code').waitFor();
  await shot('setup');
  await page.getByLabel('Setup code').fill(setupCode);
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Your name').fill(admin.displayName);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByRole('button', { name: 'Set up authenticator' }).click();
  const totp = new Authenticator((await page.getByTestId('totp-secret').textContent())!.trim());
  assert.match((await page.getByTestId('totp-url').textContent())!, /^otpauth:\/\/totp\//);
  await shot('totp-enrolment');
  await page.getByLabel('Code from your authenticator app').fill(await totp.next());
  await page.getByRole('button', { name: 'Confirm code' }).click();
  await page.getByTestId('whoami').waitFor();
  return totp;
}

/** The Users screen: each [username, display name, password] made with the New user form. */
export async function createUsers(page: Page, users: readonly (readonly [string, string, string])[]): Promise<void> {
  await page.goto('/#/users');
  for (const [username, displayName, password] of users) {
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Username').fill(username);
    await form.getByLabel('Display name').fill(displayName);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'New user' }).click();
    await page.getByTestId('users').getByRole('cell', { name: username, exact: true }).waitFor();
  }
}

/**
 * From a case's screens: its Members screen, each [user label as the picker shows it ("Name
 * (username)"), role, the grant's checkbox label or null] added with the Add member form.
 */
export async function addMembers(page: Page, members: readonly (readonly [string, string, string | null])[]): Promise<void> {
  await page.getByRole('link', { name: 'Members' }).click();
  for (const [label, role, grant] of members) {
    const form = page.getByRole('form', { name: 'Add member' });
    await form.getByLabel('User').selectOption({ label });
    await form.getByLabel('Role').selectOption(role);
    if (grant) await form.getByLabel(grant).check();
    await form.getByRole('button', { name: 'Add member' }).click();
    await page.locator('table').getByText(label.replace(/^.*\(/, '(')).waitFor();
  }
}

/**
 * On the accountability screen: a new proceeding of `type` with `title` (and, when given, that
 * many unnamed subjects; `more` fills further fields), saved; waits for its page.
 */
export async function newProceeding(page: Page, p: { type: string; title: string; unnamed?: number }, more?: (form: Locator) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'New proceeding' }).click();
  const form = page.getByRole('form', { name: 'New proceeding' });
  await form.getByLabel('Type').selectOption(p.type);
  await form.getByLabel('Title').fill(p.title);
  if (p.unnamed !== undefined) await form.getByLabel('Unnamed subjects').fill(String(p.unnamed));
  await more?.(form);
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('proceeding-facts').waitFor();
}

/** On a proceeding's page: an event in its status timeline. */
export async function addEvent(page: Page, e: { on: string; status: string; summary: string }): Promise<void> {
  const form = page.getByRole('form', { name: 'Add event' });
  await form.getByLabel(/^Date/).fill(e.on);
  await form.getByLabel('Status').selectOption(e.status);
  await form.getByLabel('Summary').fill(e.summary);
  await form.getByRole('button', { name: 'Add event' }).click();
}

/**
 * A claim added with `form` (an event's or an official's position's): the source chosen by title
 * when given, the quote, the confidence when given; waits until `shown` has a line with the quote.
 */
export async function addClaim(form: Locator, shown: Locator, c: { source?: string; quote: string; confidence?: string }): Promise<void> {
  if (c.source !== undefined) await form.locator('label', { hasText: /^Source/ }).locator('select').selectOption({ label: c.source });
  await form.getByLabel('Exact words of the source').fill(c.quote);
  if (c.confidence !== undefined) await form.getByLabel('Confidence').selectOption(c.confidence);
  await form.getByRole('button', { name: 'Add claim' }).click();
  await shown.filter({ hasText: c.quote }).waitFor();
}
