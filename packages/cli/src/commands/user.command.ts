import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { invalid } from '@custodia/core';
import {
  createUser,
  displayNameSchema,
  issuePasswordReset,
  otpauthUrl,
  PasswordHasher,
  passwordSchema,
  PgAccountsRepo,
  resetTotp,
  SecretBox,
  SetupCode,
  usernameSchema,
} from '@custodia/server';
import { operator, printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** The password: typed at a prompt (not echoed, asked twice) on a terminal, else the first line of stdin. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += String(chunk);
    return data.split(/\r?\n/)[0] ?? '';
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
      out._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stderr.write(q);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stderr.write('\n');
        resolve(a);
      });
    });
  const a = await ask('Password: ');
  const b = await ask('Again: ');
  if (a !== b) throw invalid('the two passwords differ');
  return a;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('workspace accounts');

  user
    .command('add <username>')
    .description('create an account; the password is read from a prompt, or from stdin when piped')
    .option('--admin', 'an administrator (must set up TOTP: use --totp, or at first sign-in)')
    .option('--totp', 'set up the TOTP second factor now and print its otpauth:// URL')
    .option('--display-name <name>', 'how the workspace shows the user (default the username)')
    .option('--json', 'machine-readable result')
    .addHelpText('after', '\nExample: printf "%s\\n" "$PASSWORD" | custodia user add --admin --totp ana')
    .action(async (username: string, opts: { admin?: boolean; totp?: boolean; displayName?: string; json?: boolean }) => {
      const u = usernameSchema.safeParse(username);
      if (!u.success) throw invalid(`username: ${u.error.issues[0]?.message}`);
      const dn = displayNameSchema.safeParse(opts.displayName ?? username);
      if (!dn.success) throw invalid(`--display-name: ${dn.error.issues[0]?.message}`);
      const password = await readPassword();
      const pw = passwordSchema.safeParse(password);
      if (!pw.success) throw invalid(`password: ${pw.error.issues[0]?.message}`);
      await withVault(async (vault, cfg) => {
        const accounts = new PgAccountsRepo(vault.db);
        const { user: created, totpSecret } = await createUser(
          { db: vault.db, ledger: vault.ledger, accounts, passwords: new PasswordHasher(), secrets: await SecretBox.forHome(cfg.home) },
          { username: u.data, displayName: dn.data, password: pw.data, isAdmin: opts.admin ?? false, withTotp: opts.totp ?? false },
          operator(cfg),
        );
        await new SetupCode(cfg.home).consume();
        await vault.checkpoint();
        const url = totpSecret ? otpauthUrl(`Custodia ${vault.instance.origin}`, created.username, totpSecret) : null;
        if (opts.json) printJson({ id: created.id, username: created.username, isAdmin: created.isAdmin, totpSecret, otpauthUrl: url });
        else {
          process.stdout.write(`Created ${created.isAdmin ? 'administrator' : 'user'} ${created.username} (id ${created.id})\n`);
          if (url) process.stdout.write(`TOTP: add this to the authenticator app (or as a QR code):\n  ${url}\n  secret: ${totpSecret}\n`);
        }
      });
      process.exitCode = EXIT.ok;
    });

  user
    .command('list')
    .description('every account')
    .option('--json', 'machine-readable result')
    .action(async (opts: { json?: boolean }) => {
      await withVault(async (vault) => {
        const users = await new PgAccountsRepo(vault.db).listUsers();
        if (opts.json) printJson(users);
        else for (const x of users) process.stdout.write(`${x.id}\t${x.username}\t${x.isAdmin ? 'admin' : 'user'}\t${x.totpEnabled ? 'totp' : 'no-totp'}${x.disabled ? '\tdisabled' : ''}\n`);
      });
    });

  user
    .command('reset-totp')
    .description(
      "clear a user's TOTP second factor (a lost phone): every session of theirs ends; they set up TOTP again " +
        '(at the next sign-in when it is required of them: administrators, or everyone under the policy); ledgered',
    )
    .requiredOption('--user <username>', 'the account')
    .option('--json', 'machine-readable result')
    .addHelpText('after', '\nExample: custodia user reset-totp --user ana')
    .action(async (opts: { user: string; json?: boolean }) => {
      await withVault(async (vault, cfg) => {
        const r = await resetTotp({ db: vault.db, ledger: vault.ledger, accounts: new PgAccountsRepo(vault.db) }, opts.user, operator(cfg));
        await vault.checkpoint();
        if (opts.json) printJson(r);
        else
          process.stdout.write(
            `${r.hadTotp ? 'Cleared the TOTP second factor of' : 'No TOTP second factor was set up for'} ${r.user.username}; ` +
              `${r.sessionsEnded} session(s) ended. They set up TOTP again (at the next sign-in when it is required of them).\n`,
          );
      });
      process.exitCode = EXIT.ok;
    });

  user
    .command('reset-password')
    .description(
      'issue a one-time code (valid 24 hours) with which the user sets a new password on the sign-in page ("I have a reset code"); ' +
        'the old password works until then; ledgered (never the code)',
    )
    .requiredOption('--user <username>', 'the account')
    .option('--json', 'machine-readable result')
    .addHelpText('after', '\nExample: custodia user reset-password --user ana   (give the printed code to ana by a safe channel)')
    .action(async (opts: { user: string; json?: boolean }) => {
      await withVault(async (vault, cfg) => {
        const r = await issuePasswordReset({ db: vault.db, ledger: vault.ledger, accounts: new PgAccountsRepo(vault.db) }, opts.user, operator(cfg));
        await vault.checkpoint();
        if (opts.json) printJson({ user: r.user, code: r.code, expiresAt: r.expiresAt.toISOString() });
        else
          process.stdout.write(
            `Password reset code for ${r.user.username} (once, until ${r.expiresAt.toISOString()}):\n  ${r.code}\n` +
              `They enter it with a new password under "I have a reset code" on the sign-in page. A new code replaces this one.\n`,
          );
      });
      process.exitCode = EXIT.ok;
    });

  user
    .command('policy')
    .description('organisation policy for accounts')
    .requiredOption('--totp-required <on|off>', 'require a TOTP second factor of everyone (administrators always need one)')
    .action(async (opts: { totpRequired: string }) => {
      if (!['on', 'off'].includes(opts.totpRequired)) throw invalid('--totp-required takes on or off');
      await withVault(async (vault, cfg) => {
        const accounts = new PgAccountsRepo(vault.db);
        await vault.db.transaction(async (tx) => {
          await accounts.setOrgSetting(tx, 'totpRequired', opts.totpRequired === 'on');
          await vault.ledger.append(tx, { actor: operator(cfg), action: 'policy-changed', details: { totpRequired: opts.totpRequired === 'on' } });
        });
        await vault.checkpoint();
        process.stdout.write(`TOTP is now ${opts.totpRequired === 'on' ? 'required of everyone' : 'required of administrators only'}\n`);
      });
    });
}
