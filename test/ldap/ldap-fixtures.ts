/** An engine on a fresh database whose domain ldap.school.test authenticates against a private slapd. */
import { loadSecretKey, SealedSecrets } from '@schoolmail/mail-engine';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';

export const LDAP_DOMAIN = 'ldap.school.test';
export const USER_FILTER = '(&(objectClass=inetOrgPerson)(mail={address}))';

export async function startLdapEngine(): Promise<{ engine: TestEngine; slapd: TestSlapd; close: () => Promise<void> }> {
  const slapd = await TestSlapd.start();
  const engine = await startTestEngine({ allowPlainAuth: true }, { authFailuresPerClient: 1000, authFailuresPerAccount: 1000 });
  const domain = await mailDomain(engine.prisma, LDAP_DOMAIN);
  const secrets = new SealedSecrets(loadSecretKey(engine.config.dataDir));
  await engine.prisma.domainAuthSource.create({
    data: {
      domainId: domain.id,
      kind: 'ldap',
      urls: [slapd.url],
      bindDn: LDAP_ADMIN_DN,
      bindPasswordSealed: secrets.seal(LDAP_ADMIN_PASSWORD),
      userBase: LDAP_PEOPLE,
      userFilter: USER_FILTER,
      connectTimeoutMs: 1_000,
      operationTimeoutMs: 1_000,
      cacheSeconds: 60,
    },
  });
  return {
    engine,
    slapd,
    async close() {
      await engine.close();
      await slapd.close();
    },
  };
}
