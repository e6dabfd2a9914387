import { describe, expect, it } from 'vitest';
import { humanDate, resolveEffectiveSettings, type ClassOfServiceInput, type SettingsChain } from './effective-settings.js';

const NOV_3 = new Date('2026-11-03T10:00:00Z');
const NOV_5 = new Date('2026-11-05T10:00:00Z');

const standard: ClassOfServiceInput = {
  name: 'standard',
  services: { smtp: true, imap: true, pop3: false, webmail: true, rpop: true },
  maxMessageSizeKb: 10_240,
  mailboxQuotaMb: 500,
  maxRecipients: 50,
  sendingRatePerHour: 200,
  assignedAt: { level: 'domain', name: 'district1.k12.us' },
  wordLists: [{ id: 9, name: 'student-safe', scope: 'system', action: 'quarantine', direction: 'both' }],
};

function chain(overrides: Partial<SettingsChain> = {}): SettingsChain {
  return {
    classOfService: null,
    domains: [
      { name: 'district1.k12.us', status: 'active', toggles: [] },
      { name: 'west.district1.k12.us', status: 'active', toggles: [] },
    ],
    account: { address: 'jane@west.district1.k12.us', status: 'active', toggles: [] },
    wordLists: [],
    ...overrides,
  };
}

describe('resolveEffectiveSettings', () => {
  it('falls back to the server defaults when nothing is set', () => {
    const settings = resolveEffectiveSettings(chain());
    expect(settings.services.imap).toEqual({ value: true, decidedBy: { level: 'server', name: 'server defaults' }, reason: 'IMAP: on - allowed by server defaults' });
    expect(settings.mailboxQuotaMb).toMatchObject({ value: 2048, decidedBy: { level: 'server' } });
    expect(settings.sendingRatePerHour.value).toBeNull();
    expect(settings.sendingRatePerHour.reason).toContain('unlimited');
    expect(settings.status).toMatchObject({ value: 'active', decidedBy: { level: 'account', name: 'jane@west.district1.k12.us' } });
    expect(settings.classOfService).toBeNull();
  });

  it('names the domain, the admin and the date that switched a service off', () => {
    const settings = resolveEffectiveSettings(
      chain({
        domains: [
          { name: 'district1.k12.us', status: 'active', toggles: [] },
          { name: 'west.district1.k12.us', status: 'active', toggles: [{ service: 'imap', enabled: false, changedBy: 'jdoe', changedAt: NOV_3 }] },
        ],
      }),
    );
    expect(settings.services.imap).toEqual({
      value: false,
      decidedBy: { level: 'domain', name: 'west.district1.k12.us', changedBy: 'jdoe', changedAt: NOV_3.toISOString() },
      reason: 'IMAP: off - disabled at domain west.district1.k12.us by jdoe on 3 Nov 2026',
    });
    expect(settings.services.smtp.value).toBe(true);
  });

  it('lets a narrower level restrict but never re-enable (the widest "off" decides)', () => {
    const settings = resolveEffectiveSettings(
      chain({
        domains: [
          { name: 'district1.k12.us', status: 'active', toggles: [{ service: 'rpop', enabled: false, changedBy: 'pm1', changedAt: NOV_3 }] },
          { name: 'west.district1.k12.us', status: 'active', toggles: [{ service: 'rpop', enabled: true, changedBy: 'westadmin', changedAt: NOV_5 }] },
        ],
        account: {
          address: 'jane@west.district1.k12.us',
          status: 'active',
          toggles: [
            { service: 'rpop', enabled: true, changedBy: 'westadmin', changedAt: NOV_5 },
            { service: 'webmail', enabled: false, changedBy: 'westadmin', changedAt: NOV_5 },
            { service: 'smtp', enabled: true, changedBy: 'westadmin', changedAt: NOV_5 },
          ],
        },
      }),
    );
    expect(settings.services.rpop.value).toBe(false);
    expect(settings.services.rpop.decidedBy).toMatchObject({ level: 'domain', name: 'district1.k12.us', changedBy: 'pm1' });
    expect(settings.services.rpop.reason).toContain("the account's own setting (on) cannot override it");
    expect(settings.services.webmail).toMatchObject({ value: false, decidedBy: { level: 'account', changedBy: 'westadmin' } });
    expect(settings.services.webmail.reason).toBe('WebMail: off - disabled at account jane@west.district1.k12.us by westadmin on 5 Nov 2026');
    expect(settings.services.smtp).toMatchObject({ value: true, decidedBy: { level: 'account' } });
    expect(settings.services.smtp.reason).toBe('SMTP: on - enabled at account jane@west.district1.k12.us by westadmin on 5 Nov 2026');
  });

  it('takes services and limits from the class of service, and a class "off" wins over domain "on"', () => {
    const settings = resolveEffectiveSettings(
      chain({
        classOfService: standard,
        domains: [{ name: 'district1.k12.us', status: 'active', toggles: [{ service: 'pop3', enabled: true, changedBy: 'pm1', changedAt: NOV_3 }] }],
      }),
    );
    expect(settings.services.pop3).toMatchObject({ value: false, decidedBy: { level: 'class-of-service', name: 'standard' } });
    expect(settings.services.pop3.reason).toBe('POP3: off - disabled at class of service standard (assigned to domain district1.k12.us)');
    expect(settings.maxMessageSizeKb).toMatchObject({ value: 10_240, decidedBy: { level: 'class-of-service', name: 'standard' } });
    expect(settings.mailboxQuotaMb.reason).toBe('Mailbox quota: 500 MB - from class of service standard (assigned to domain district1.k12.us)');
    expect(settings.maxRecipients.value).toBe(50);
    expect(settings.sendingRatePerHour.value).toBe(200);
    expect(settings.classOfService).toEqual({ name: 'standard', assignedAt: { level: 'domain', name: 'district1.k12.us' } });
  });

  it('suspends a mailbox when any domain up the chain is suspended, naming the widest', () => {
    const suspended = resolveEffectiveSettings(
      chain({
        domains: [
          { name: 'district1.k12.us', status: 'suspended', toggles: [] },
          { name: 'west.district1.k12.us', status: 'suspended', toggles: [] },
        ],
      }),
    );
    expect(suspended.status).toMatchObject({ value: 'suspended', decidedBy: { level: 'domain', name: 'district1.k12.us' } });
    const locked = resolveEffectiveSettings(chain({ account: { address: 'jane@west.district1.k12.us', status: 'locked', toggles: [] } }));
    expect(locked.status).toEqual({
      value: 'locked',
      decidedBy: { level: 'account', name: 'jane@west.district1.k12.us' },
      reason: 'Status: locked - account jane@west.district1.k12.us is locked',
    });
  });

  it('applies system, chain-domain, own and class-of-service word lists, and nothing else', () => {
    const settings = resolveEffectiveSettings(
      chain({
        classOfService: standard,
        wordLists: [
          { id: 3, name: 'own', scope: 'account', action: 'tag', direction: 'inbound', owner: 'jane@west.district1.k12.us' },
          { id: 1, name: 'system', scope: 'system', action: 'reject', direction: 'both' },
          { id: 2, name: 'district', scope: 'domain', action: 'quarantine', direction: 'outbound', owner: 'district1.k12.us' },
          { id: 4, name: 'east only', scope: 'domain', action: 'reject', direction: 'both', owner: 'east.district1.k12.us' },
          { id: 5, name: 'someone else', scope: 'account', action: 'reject', direction: 'both', owner: 'bob@west.district1.k12.us' },
        ],
      }),
    );
    expect(settings.wordLists).toEqual([
      { id: 1, name: 'system', scope: 'system', action: 'reject', direction: 'both', appliesVia: { level: 'server', name: 'system' } },
      { id: 2, name: 'district', scope: 'domain', action: 'quarantine', direction: 'outbound', appliesVia: { level: 'domain', name: 'district1.k12.us' } },
      { id: 3, name: 'own', scope: 'account', action: 'tag', direction: 'inbound', appliesVia: { level: 'account', name: 'jane@west.district1.k12.us' } },
      { id: 9, name: 'student-safe', scope: 'system', action: 'quarantine', direction: 'both', appliesVia: { level: 'class-of-service', name: 'standard' } },
    ]);
  });

  it('writes dates as people read them', () => {
    expect(humanDate(new Date('2026-01-09T23:59:00Z'))).toBe('9 Jan 2026');
  });
});
