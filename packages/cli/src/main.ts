#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { VERSION } from './context.js';
import { EXIT, reportError } from './exit-codes.js';
import { registerInit } from './commands/init.command.js';
import { registerIngest } from './commands/ingest.command.js';
import { registerReport } from './commands/report.command.js';
import { registerVerify } from './commands/verify.command.js';
import { registerLedger } from './commands/ledger.command.js';
import { registerWorker } from './commands/worker.command.js';
import { registerJobs } from './commands/jobs.command.js';
import { registerExport } from './commands/export.command.js';
import { registerIntake } from './commands/intake.command.js';
import { registerServe } from './commands/serve.command.js';
import { registerUser } from './commands/user.command.js';
import { registerAccountability } from './commands/accountability.command.js';
import { registerDemo } from './demo/demo.command.js';
import { registerPublish } from './commands/publish.command.js';
import { registerRedaction } from './commands/redaction.command.js';

const program = new Command();
program
  .name('custodia')
  .description('Custodia: receive, preserve, triage, document, redact, publish and act on video evidence of abuse in places of detention.')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `
Environment:
  CUSTODIA_HOME         the instance folder (default ./data)
  DATABASE_URL          use a PostgreSQL server instead of the embedded database
  CUSTODIA_TSA_URLS     RFC 3161 timestamp authorities anchoring each checkpoint
  CUSTODIA_TSA_CA_FILE  their CA certificate(s), to verify tokens
  CUSTODIA_OPERATOR     who is acting (recorded in the ledger); default the OS user
  CUSTODIA_PUBLIC_URL   the workspace's https:// origin behind a TLS proxy (serve)
  CUSTODIA_SECURE_COOKIES  1: session cookies marked Secure (serve)
  CUSTODIA_LOG_LEVEL    the server's log level (serve; default info)
  CUSTODIA_PIPELINE_STEPS  the pipeline steps to run after the probe (default all)
  CUSTODIA_FACES_PROFILE, CUSTODIA_FACES_FPS  the faces step's detector profile and rate
  CUSTODIA_INTAKE, CUSTODIA_INTAKE_HOME, CUSTODIA_INTAKE_PORT  the embedded source intake (serve)
  CUSTODIA_INTAKE_URL, CUSTODIA_INTAKE_TOKEN  a remote intake and its pull token
  (every setting: README, "Configuration")`,
  );

registerInit(program);
registerIngest(program);
registerReport(program);
registerVerify(program);
registerLedger(program);
registerWorker(program);
registerJobs(program);
registerExport(program);
registerPublish(program);
registerRedaction(program);
registerIntake(program);
registerServe(program);
registerUser(program);
registerAccountability(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(e);
  }
}
