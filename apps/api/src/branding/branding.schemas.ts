import { z } from 'zod';

/** Raster formats only: an SVG logo could carry scripts when opened on its own. */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const MAX_LOGO_BYTES = 256 * 1024;

export const brandingQuery = z.object({
  domain: z.string().trim().toLowerCase().max(253).optional(),
});

export const uploadLogoInput = z
  .object({
    contentType: z.enum(LOGO_TYPES, { message: `must be one of ${LOGO_TYPES.join(', ')}` }),
    data: z.string().min(1, 'is required').max(Math.ceil((MAX_LOGO_BYTES * 4) / 3) + 4, `is larger than ${MAX_LOGO_BYTES / 1024} KiB`),
  })
  .strict();
