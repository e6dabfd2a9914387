/** The feature modules, one per area of administration. */
import { DomainsModule } from './domains/domains.module.js';

export const FEATURE_MODULES = [DomainsModule];
