import type { Command } from 'commander';
import { initVault } from '@custodia/store';
import { PgAccountsRepo, SetupCode } from '@custodia/server';
import { config, operator, printJson } from '../context.js';
import { EXIT } from '../exit-codes.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the instance: its folder ($CUSTODIA_HOME), database, Ed25519 key and first signed checkpoint')
    .option('--json', 'print a machine-readable result')
    .addHelpText(
      'after',
      `
The instance key's private half is written to $CUSTODIA_HOME/keys/instance.key (mode 0600) and
never stored in the database. Publish the verifier key it prints: anyone can then check the
ledger's signed checkpoints without trusting this machine. Running init again changes nothing.`,
    )
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const { vault, created } = await initVault(cfg, { actor: operator(cfg) });
      try {
        const cp = await vault.ledger.latestCheckpoint(vault.db);
        // While nobody can sign in, the first administrator is created with a one-time code.
        const setupCode = (await new PgAccountsRepo(vault.db).countUsers()) === 0 ? await new SetupCode(cfg.home).ensure() : null;
        const out = {
          created,
          home: cfg.home,
          database: cfg.databaseUrl ? 'postgresql server' : 'embedded',
          instance: vault.instance.id,
          origin: vault.instance.origin,
          verifierKey: vault.instance.verifierKey,
          checkpoint: cp ? { id: cp.id, treeSize: cp.treeSize } : null,
          setupCode,
        };
        if (opts.json) printJson(out);
        else {
          process.stdout.write(
            (created ? `Created instance ${out.instance} in ${cfg.home}\n` : `Instance ${out.instance} already exists in ${cfg.home}; nothing changed\n`) +
              `  database:     ${out.database}\n` +
              `  verifier key: ${out.verifierKey}\n` +
              `  (publish this key; it checks every signed checkpoint of this instance's custody ledger)\n` +
              (setupCode ? `  setup code:   ${setupCode}  (creates the first administrator in the workspace: custodia serve)\n` : ''),
          );
        }
      } finally {
        await vault.close();
      }
      process.exitCode = EXIT.ok;
    });
}
