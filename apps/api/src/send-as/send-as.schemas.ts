import { z } from 'zod';
import { mailAddress } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

export const grantSendAsInput = z.object({ address: mailAddress }).strict();

export const listSendAsQuery = pageQuery;
