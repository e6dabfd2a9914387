import { z } from 'zod';

const flag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true')
  .default(false);

/** JSON `{ csv, domain?, dryRun? }`, or a text/csv body with `domain` and `dryRun` in the query. */
export const startImportInput = z
  .object({
    csv: z.string().min(1, 'is required: the CSV text, header line first'),
    domain: z.string().trim().min(1).max(253).optional(),
    dryRun: flag,
  })
  .strict();

export const importQuery = z.object({
  domain: z.string().trim().min(1).max(253).optional(),
  dryRun: flag,
});
