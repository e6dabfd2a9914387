import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';

export const listJobsQuery = pageQuery.extend({
  kind: z.string().trim().max(64).optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
});
