export type { LoginOutcome, LoginRequest, MailAccess, MailService, SettingsChange } from './types.js';
export { PrismaMailAccess, type PrismaMailAccessOptions } from './prisma-mail-access.js';
export { refusalReason, SERVICE_LABELS } from './reasons.js';
export { LoginThrottle, type LoginThrottleLimits } from './login-throttle.js';
export { clientKey } from './client-key.js';
export { VerifiedPasswords } from './verified-passwords.js';
export { SettingsCache } from './settings-cache.js';
