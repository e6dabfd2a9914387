/**
 * Status lines with the extended response codes of RFC 2449 section 8 and RFC 3206: a
 * client can tell a wrong password ([AUTH]) from a refusal an administrator decided
 * ([SYS/PERM]) and from a passing problem ([SYS/TEMP]), and say so to its user.
 */
export const responseCodes = {
  auth: '[AUTH]',
  inUse: '[IN-USE]',
  sysPerm: '[SYS/PERM]',
  sysTemp: '[SYS/TEMP]',
} as const;

/** Text from elsewhere (a reason an administrator wrote) on one status line. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').slice(0, 400);

export const errors = {
  noSuchMessage: 'no such message',
  alreadyDeleted: 'message already deleted',
  temporaryFailure: `${responseCodes.sysTemp} temporary failure, please try again later`,
} as const;
