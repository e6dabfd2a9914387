/**
 * The NOTIFY channels the database triggers of prisma/routines/002_change_notifications.sql
 * send on, and how their payloads read: comma-separated ids, or 'all'.
 */
export const SETTINGS_CHANNEL = 'schoolmail_settings';
export const FOLDERS_CHANNEL = 'schoolmail_folders';

export type ChangedIds = number[] | 'all';

export function parseIds(payload: string): ChangedIds {
  if (payload === 'all') return 'all';
  const ids = payload.split(',').map(Number).filter((id) => Number.isInteger(id) && id > 0);
  return ids;
}
