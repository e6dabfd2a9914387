import { describe, expect, it } from 'vitest';
import { parseVpasswd } from './vpasswd.js';
import { parseVpopmailCsv } from './vpopmail-csv.js';
import { parseQmailFiles, parseValiasCsv } from './vpopmail-aliases.js';
import { folderNameOf, parseMaildirFileName } from './maildir-names.js';

const MD5 = '$1$saltstri$YMyguxXMBpd2TEZ.vS/3q1';

describe('vpopmail vpasswd', () => {
  it('reads mailboxes with hash, display name, quota, clear password and disabled services', () => {
    const { accounts, issues } = parseVpasswd(
      [
        `jane:${MD5}:1:0:Jane Doe:/home/vpopmail/domains/d.test/jane:52428800S`,
        '# a comment',
        '',
        `bob:garbage:1:10:Bob:/x/bob:NOQUOTA:pa:ss`,
        'broken:line',
        `amy:${MD5}:1:0::/x/amy:lots`,
      ].join('\n'),
    );
    expect(accounts).toEqual([
      expect.objectContaining({ line: 1, localPart: 'jane', passwordHash: `{MD5-CRYPT}${MD5}`, displayName: 'Jane Doe', quotaBytes: 52428800, clearPassword: null, disabledServices: [] }),
      // gid 10 = NO_POP (2) + NO_IMAP (8); a clear password may hold colons.
      expect.objectContaining({ line: 4, localPart: 'bob', passwordHash: null, clearPassword: 'pa:ss', quotaBytes: null, disabledServices: ['pop3', 'imap'] }),
    ]);
    expect(issues).toEqual([
      { line: 5, message: expect.stringContaining('has 2 fields') },
      { line: 6, message: expect.stringContaining('quota "lots"') },
    ]);
  });
});

describe('vpopmail MySQL CSV export', () => {
  it('reads columns by header name, with quoted fields, and reports bad rows by line', () => {
    const csv = [
      'pw_name,pw_domain,pw_passwd,pw_uid,pw_gid,pw_gecos,pw_dir,pw_shell,pw_clear_passwd',
      `jane,D.test,${MD5},1,0,"Doe, Jane",/x,"104857600S,1000C",`,
      `"multi",d.test,,1,0,"line one`,
      `line two",/x,NOQUOTA,secret`,
      'short,row',
    ].join('\r\n');
    const { accounts, issues } = parseVpopmailCsv(csv);
    expect(accounts).toEqual([
      expect.objectContaining({ line: 2, localPart: 'jane', domain: 'd.test', displayName: 'Doe, Jane', quotaBytes: 104857600, passwordHash: `{MD5-CRYPT}${MD5}` }),
      expect.objectContaining({ line: 3, localPart: 'multi', displayName: 'line one\r\nline two', passwordHash: null, clearPassword: 'secret' }),
    ]);
    expect(issues).toEqual([{ line: 5, message: 'has 2 fields; the header has 9' }]);
  });

  it('refuses a file without the required columns', () => {
    expect(parseVpopmailCsv('name,password\njane,x').issues[0]!.message).toContain('header lacks pw_name, pw_passwd');
  });
});

describe('qmail forwards and valias', () => {
  it('turns .qmail-<name> files and valias rows into aliases, reporting what cannot be migrated', () => {
    const files = parseQmailFiles([
      { name: '.qmail-sales', content: '&Jane@d.test\nbob@other.test\n# note\n|/usr/bin/autorespond\n' },
      { name: '.qmail-first:last', content: 'jane@d.test' },
      { name: '.qmail-default', content: '| vdelivermail' },
    ]);
    expect(files.aliases).toEqual([
      { localPart: 'sales', targets: ['jane@d.test', 'bob@other.test'], source: '.qmail-sales' },
      { localPart: 'first.last', targets: ['jane@d.test'], source: '.qmail-first:last' },
    ]);
    expect(files.issues.map((issue) => issue.source)).toEqual(['.qmail-sales', '.qmail-default']);

    const valias = parseValiasCsv('alias,domain,valias_line\nhelp,d.test,&a@d.test\nhelp,d.test,b@d.test\nx,other.test,c@d.test\n', 'd.test');
    expect(valias.aliases).toEqual([{ localPart: 'help', targets: ['a@d.test', 'b@d.test'], source: 'valias line 2' }]);
    expect(valias.issues).toEqual([{ source: 'valias', line: 4, message: 'belongs to other.test, not d.test' }]);
  });
});

describe('Maildir++ names', () => {
  it('maps folders, special-use names and modified UTF-7', () => {
    expect(folderNameOf('.Sent')).toBe('Sent');
    expect(folderNameOf('.Sent Items')).toBe('Sent');
    expect(folderNameOf('.Drafts')).toBe('Drafts');
    expect(folderNameOf('.Folder.Sub')).toBe('Folder/Sub');
    expect(folderNameOf('.INBOX.Projects')).toBe('Projects');
    expect(folderNameOf('.&AMk-l&AOg-ves')).toBe('Élèves');
    expect(folderNameOf('cur')).toBeNull();
  });

  it('reads flags, keywords and the delivery time from a file name', () => {
    expect(parseMaildirFileName('1700000000.M1P2.host,S=120:2,FRSTD', ['$Label1'])).toEqual({
      unique: '1700000000.M1P2.host,S=120',
      flags: ['\\Flagged', '\\Answered', '\\Seen', '\\Deleted', '\\Draft'],
      timestamp: new Date(1_700_000_000_000),
    });
    expect(parseMaildirFileName('1700000000.M1P2.host:2,Sa', ['$Label1']).flags).toEqual(['\\Seen', '$Label1']);
    expect(parseMaildirFileName('odd-name').flags).toEqual([]);
  });
});
