// Русские сообщения, по файлу на экран или раздел в ru/: те же ключи, что в en/ (проверяется типом).
import { mergeSections } from './catalogue.js';
import type { MessageKey } from './en.js';
import { shell } from './ru/shell.js';
import { account } from './ru/account.js';
import { cases } from './ru/cases.js';
import { items } from './ru/items.js';
import { triage } from './ru/triage.js';
import { incidents } from './ru/incidents.js';
import { registers } from './ru/registers.js';
import { ledger } from './ru/ledger.js';
import { accountability } from './ru/accountability.js';
import { redaction } from './ru/redaction.js';
import { intake } from './ru/intake.js';
import { publication } from './ru/publication.js';

export const ru: Record<MessageKey, string> = mergeSections(
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
