import { z } from 'zod';

/**
 * The one password policy of mailboxes, enforced wherever a plain password is set (create,
 * bulk create, CSV import, owner's change, administrator's reset) and published read-only
 * at GET /api/v1/password-policy so the console shows the rules the API applies.
 *
 * Length over composition rules (NIST SP 800-63B): a long password the person can remember,
 * not the user name, not a password every guessing list starts with.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

// Lists used in guessing attacks start with these; a suffix of digits or symbols
// ("Welcome2024!") adds nothing an attacker does not try next, so it is ignored.
const COMMON_PASSWORDS = new Set([
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'password123', 'letmein', 'welcome', 'welcome123', 'changeme',
  'qwerty', 'qwertyuiop', 'asdfghjkl', 'azerty', 'abc123', 'abcdefghij', 'iloveyou', 'trustno1', 'sunshine', 'princess',
  'football', 'baseball', 'basketball', 'soccer', 'hockey', 'monkey', 'dragon', 'master', 'shadow', 'superman', 'batman',
  'starwars', 'pokemon', 'minecraft', 'fortnite', 'secret', 'admin', 'administrator', 'login', 'default', 'guest',
  'student', 'students', 'teacher', 'teachers', 'school', 'schoolmail', 'classroom', 'district', 'principal', 'homework',
  'spring', 'summer', 'autumn', 'fall', 'winter', 'january', 'september', 'christmas', 'computer', 'internet', 'mypassword',
  '1234567890', '0123456789', '0987654321', '1q2w3e4r5t', '1qaz2wsx3edc', 'zaq12wsx', 'qazwsxedc', '11111111111', 'aaaaaaaaaa',
]);

// Digits, punctuation, symbols and spaces of any script; letters of any script stay.
const SUFFIX = /[\p{N}\p{P}\p{S}\s]+$/u;
const PREFIX = /^[\p{N}\p{P}\p{S}\s]+/u;

function isCommon(password: string) {
  const lower = password.toLowerCase();
  const core = lower.replace(SUFFIX, '').replace(PREFIX, '');
  // Only digits and symbols (a date, a keyboard row): as guessable as a common word.
  return COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(core) || core === '' || /^(.)\1*$/u.test(lower);
}

const LOCAL_PART_MIN = 3;

/**
 * Why `password` may not be the one of the mailbox whose local part is `localPart`, or null.
 * The address contains the local part, so one check covers both; a local part shorter than
 * three characters ("jo") is too common a substring to refuse, so then only "jo@" counts.
 */
export function personalPasswordProblem(password: string, localPart: string): string | null {
  const lower = password.toLowerCase();
  const name = localPart.toLowerCase();
  if (lower.includes(`${name}@`) || (name.length >= LOCAL_PART_MIN && lower.includes(name))) {
    return `must not contain the mailbox's address or its name before the @ ("${localPart}")`;
  }
  return null;
}

/** A plain mailbox password: the rules that need no knowledge of the mailbox. */
export const policyPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `is longer than ${MAX_PASSWORD_LENGTH} characters`)
  .refine((value) => !isCommon(value), 'is too common (or a common word with digits or symbols added): choose a password people could not guess');

/** The policy as the console shows it before a password is typed. */
export function describePasswordPolicy() {
  return {
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    rules: [
      { id: 'length', text: `At least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one.` },
      { id: 'personal', text: 'Not your address, nor your name before the @.' },
      { id: 'common', text: 'Not a common password such as "Password123" or "Welcome2024!", nor only digits and symbols.' },
    ],
  };
}
export type PasswordPolicyView = ReturnType<typeof describePasswordPolicy>;
