import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalid } from '@custodia/core';
import {
  AGE_RECIPIENT, generateProtectedIdentity, newPullToken, openIntake, purgeImported, serveIntake, type Intake,
} from '@custodia/intake';
import { config, printJson } from '../context.js';
import { readPassphrase } from '../passphrase-prompt.js';
import { registerIntakeVault } from './intake-vault.command.js';

/** The intake's settings: its own folder ($CUSTODIA_INTAKE_HOME, default <CUSTODIA_HOME>/intake), never the vault's. */
export function intakeHome(): { home: string; databaseUrl: string | undefined } {
  const { home, databaseUrl } = config().intake!;
  return { home, databaseUrl };
}

async function withIntake<T>(fn: (intake: Intake) => Promise<T>): Promise<T> {
  const intake = await openIntake(intakeHome());
  try {
    return await fn(intake);
  } finally {
    await intake.close();
  }
}

export function registerIntake(program: Command): void {
  const intake = program
    .command('intake')
    .description('secure source intake: the internet-facing portal, its channels and keys, and importing submissions into the vault')
    .addHelpText(
      'after',
      `
On the intake machine ($CUSTODIA_INTAKE_HOME, default $CUSTODIA_HOME/intake; its own database and keys):
  custodia intake token                       make the vault's pull token (shown once)
  custodia intake channel create videos       a channel sources can send to
  custodia intake channel add-recipient videos age1…  --label "Analyst A"
  custodia intake serve --port 8470           run the portal (behind a Tor onion service)
On a staff member's or the vault's machine:
  custodia intake keygen --out analyst.key    a recipient key pair, the private half passphrase-protected
  custodia intake inbox | reply | import      over the pull API ($CUSTODIA_INTAKE_URL, $CUSTODIA_INTAKE_TOKEN)`,
    );

  intake
    .command('serve')
    .description('run the intake portal and its pull API alone, on its own data folder')
    .option('-p, --port <port>', 'TCP port', '8470')
    .option('--host <address>', 'address to listen on (keep it on loopback behind the onion service)', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`--port must be a TCP port, not "${opts.port}"`);
      const it = await openIntake(intakeHome());
      const served = await serveIntake(it, port, opts.host);
      process.stderr.write(`custodia intake: listening on http://${opts.host}:${served.port} (data: ${intakeHome().home}); no request is logged\n`);
      process.stderr.write(`custodia intake: receipts are signed by ${it.service.keys.instance.verifierKey}\n`);
      if (!it.service.keys.pullTokenSha256) process.stderr.write('custodia intake: no pull token yet: run "custodia intake token" so the vault can import\n');
      const stop = async () => {
        await served.stop();
        await it.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await new Promise(() => {});
    });

  intake
    .command('token')
    .description("make a new pull token for the vault (the old one stops working); it is printed once, only its hash is kept")
    .action(async () => {
      const token = await newPullToken(intakeHome().home);
      process.stdout.write(`${token}\n`);
      process.stderr.write('Give it to the vault as CUSTODIA_INTAKE_TOKEN; restart "custodia intake serve" to use it.\n');
    });

  const channel = intake.command('channel').description('channels sources send to, and their recipients');
  channel
    .command('create')
    .argument('<name>', 'short name, e.g. videos or legal')
    .option('--title <text>', 'what sources see, e.g. "Videos from places of detention"')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { title?: string; json?: boolean }) => {
      const ch = await withIntake((it) => it.service.repo.createChannel(name, opts.title ?? name));
      if (opts.json) printJson(ch);
      else process.stdout.write(`channel ${ch.name} created; add recipients with "custodia intake channel add-recipient ${ch.name} age1…"\n`);
    });
  channel
    .command('add-recipient')
    .argument('<name>', 'the channel')
    .argument('<recipient>', "the recipient's public key (age1…), as printed by custodia intake keygen")
    .requiredOption('--label <text>', 'who holds the key, e.g. "Analyst A"')
    .action(async (name: string, recipient: string, opts: { label: string }) => {
      if (!AGE_RECIPIENT.test(recipient)) throw invalid(`"${recipient}" is not an age X25519 recipient (age1… , 62 characters)`);
      const ch = await withIntake((it) => it.service.repo.addRecipient(name, opts.label, recipient));
      process.stdout.write(`channel ${ch.name} now encrypts to ${ch.recipients.length} recipient(s)\n`);
    });
  channel
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const all = await withIntake((it) => it.service.repo.channels());
      if (opts.json) printJson(all);
      else for (const ch of all) process.stdout.write(`${ch.name}\t${ch.title}\t${ch.recipients.map((r) => r.label).join(', ') || '(no recipients)'}\n`);
    });

  intake
    .command('purge')
    .description('delete now the ciphertext of batches imported more than the retention period ago (serve also does this hourly)')
    .action(async () => {
      const r = await withIntake((it) => purgeImported(it.service, it.uploadsDir));
      process.stdout.write(`purged ${r.files} file(s) of ${r.batches} batch(es); each deletion is recorded as an intake event\n`);
    });

  intake
    .command('keygen')
    .description("make a recipient key pair; the private identity is written only encrypted with the passphrase (age scrypt)")
    .requiredOption('-o, --out <file>', 'where to write the protected identity (must not exist)')
    .action(async (opts: { out: string }) => {
      const pass = await readPassphrase('Passphrase for the new identity: ', { confirm: true });
      const p = await generateProtectedIdentity(pass);
      await writeFile(opts.out, p.protectedIdentity, { mode: 0o600, flag: 'wx' });
      await chmod(opts.out, 0o600);
      process.stdout.write(`${p.recipient}\n`);
      process.stderr.write(`Protected identity written to ${opts.out}. Add the recipient above to a channel with "custodia intake channel add-recipient".\n`);
    });

  registerIntakeVault(intake);
}

export async function readIdentityFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
