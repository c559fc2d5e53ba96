// Русские сообщения: журнал. Те же ключи, что в ../en/ledger.ts (проверяется типом).
import type { Messages } from '../catalogue.js';
import type { ledger as en } from '../en/ledger.js';

export const ledger: Messages<typeof en> = {
  'ledger.title': 'Журнал',
  'ledger.intro': 'Каждый просмотр доказательств и каждое изменение в этом деле, сначала новые, как записано в журнале хранения.',
  'ledger.seq': '№',
  'ledger.time': 'Время',
  'ledger.actor': 'Кто',
  'ledger.action': 'Что',
  'ledger.subjects': 'Объекты',
  'ledger.older': 'Более ранние записи',
};
