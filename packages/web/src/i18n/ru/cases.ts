// Русские сообщения: дела, роли и допуски, обзор дела, участники. Те же ключи, что в ../en/cases.ts (проверяется типом).
import type { Messages } from '../catalogue.js';
import type { cases as en } from '../en/cases.js';

export const cases: Messages<typeof en> = {
  'cases.title': 'Дела',
  'cases.create': 'Новое дело',
  'cases.name': 'Название дела',
  'cases.items': 'Материалы',
  'cases.role': 'Ваша роль',
  'cases.none': 'Вы пока не участвуете ни в одном деле.',
  'role.admin': 'Администратор',
  'role.coordinator': 'Координатор',
  'role.analyst': 'Аналитик',
  'role.reviewer': 'Рецензент',
  'role.observer': 'Наблюдатель (только чтение)',
  'grant.protected-identities': 'Личности пострадавших',
  'grant.source-identity': 'Личность источника',
  'dash.items': 'Материалы',
  'dash.byKind': 'По типу',
  'dash.byStatus': 'По состоянию',
  'dash.processing': 'Обработка',
  'dash.done': 'Готово',
  'dash.pending': 'В очереди',
  'dash.failed': 'Ошибки',
  'dash.failures': 'Сбои',
  'dash.activity': 'Активность по камерам во времени',
  'dash.noActivity': 'Активность ещё не проанализирована.',
  'members.title': 'Участники',
  'members.add': 'Добавить участника',
  'members.user': 'Пользователь',
  'members.role': 'Роль',
  'members.grants': 'Защищённые поля',
};
