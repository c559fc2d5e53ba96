// English messages, one file a screen or section in en/ (the same keys in ru/, checked by type).
// Every string the interface shows lives there.
import { mergeSections } from './catalogue.js';
import { shell } from './en/shell.js';
import { account } from './en/account.js';
import { cases } from './en/cases.js';
import { items } from './en/items.js';
import { triage } from './en/triage.js';
import { incidents } from './en/incidents.js';
import { registers } from './en/registers.js';
import { ledger } from './en/ledger.js';
import { accountability } from './en/accountability.js';
import { redaction } from './en/redaction.js';
import { intake } from './en/intake.js';
import { publication } from './en/publication.js';

export const en = mergeSections(
  shell,
  account,
  cases,
  items,
  triage,
  incidents,
  registers,
  ledger,
  accountability,
  redaction,
  intake,
  publication,
);

export type MessageKey = keyof typeof en;
