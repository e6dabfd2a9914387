import { ApiError } from '@/api/client';

/**
 * Splits an API error into messages for the form's own fields (shown next to them) and one
 * general message for the rest. `fieldMap` renames API fields to form fields when they
 * differ (e.g. "localPart" -> "address").
 */
export function formErrors(error: unknown, fields: readonly string[], fieldMap: Record<string, string> = {}) {
  if (!(error instanceof ApiError)) return { byField: {} as Record<string, string>, general: error ? String((error as Error).message ?? error) : null };
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const item of error.problem.errors ?? []) {
    const field = fieldMap[item.field] ?? item.field.split('.')[0]!;
    if (fields.includes(field) && !byField[field]) byField[field] = item.message;
    else rest.push(`${item.field}: ${item.message}`);
  }
  const general = Object.keys(byField).length > 0 && rest.length === 0 ? null : rest.length > 0 ? rest.join('; ') : error.message;
  return { byField, general };
}
