import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@schoolmail/rbac';
import { PRISMA, type Database } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { presentDomain, visibleDomain } from '../domains/domains.service.js';
import { brandingQuery, MAX_LOGO_BYTES, uploadLogoInput } from './branding.schemas.js';

export const DEFAULT_PRODUCT_NAME = 'Schoolmail';

interface BrandRow {
  id: number;
  name: string;
  parentId: number | null;
  brandProductName: string | null;
  brandPrimaryColor: string | null;
  brandAccentColor: string | null;
  brandLogoType: string | null;
  version: number;
}

const brandSelect = {
  id: true,
  name: true,
  parentId: true,
  brandProductName: true,
  brandPrimaryColor: true,
  brandAccentColor: true,
  brandLogoType: true,
  version: true,
} as const;

/** Bytes whose first bytes match the declared image type, so a mislabelled file is refused. */
function looksLike(contentType: string, bytes: Buffer) {
  switch (contentType) {
    case 'image/png':
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes[0] === 0xff && bytes[1] === 0xd8;
    case 'image/gif':
      return bytes.subarray(0, 4).toString('latin1') === 'GIF8';
    case 'image/webp':
      return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
    default:
      return false;
  }
}

@Injectable()
export class BrandingService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  /**
   * The branding a sign-in page shows, for a domain name or a host name under it
   * (console.west.district1.k12.us -> west.district1.k12.us). Each item a domain leaves
   * unset comes from its parent, so sub-domains wear their district's colours. Public: it
   * says nothing beyond what the district shows on its own sign-in page.
   */
  async forDomain(rawQuery: unknown) {
    const { domain } = parseInput(brandingQuery, rawQuery);
    const chain = domain ? await this.chainFor(domain) : [];
    const pick = <K extends keyof BrandRow>(key: K) => chain.find((row) => row[key] !== null)?.[key] ?? null;
    const logoOwner = chain.find((row) => row.brandLogoType !== null);
    return {
      domain: chain[0]?.name ?? null,
      productName: pick('brandProductName') ?? DEFAULT_PRODUCT_NAME,
      primaryColor: pick('brandPrimaryColor'),
      accentColor: pick('brandAccentColor'),
      logoUrl: logoOwner ? `/api/v1/branding/logo?domain=${encodeURIComponent(logoOwner.name)}&v=${logoOwner.version}` : null,
    };
  }

  async logo(rawQuery: unknown) {
    const { domain } = parseInput(brandingQuery, rawQuery);
    const row = domain ? await this.prisma.domain.findUnique({ where: { name: domain }, select: { brandLogo: true, brandLogoType: true } }) : null;
    if (!row?.brandLogo || !row.brandLogoType) throw AppError.notFound('logo of domain', domain ?? '(none)');
    return { contentType: row.brandLogoType, bytes: Buffer.from(row.brandLogo) };
  }

  async uploadLogo(actor: Actor, name: string, rawInput: unknown) {
    const input = parseInput(uploadLogoInput, rawInput);
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length === 0) throw AppError.invalid('data', 'must be the image, base64-encoded');
    if (bytes.length > MAX_LOGO_BYTES) throw AppError.invalid('data', `is larger than ${MAX_LOGO_BYTES / 1024} KiB`);
    if (!looksLike(input.contentType, bytes)) throw AppError.invalid('data', `is not a ${input.contentType} image`);
    return this.saveLogo(actor, name, { brandLogo: bytes, brandLogoType: input.contentType }, 'domain.logo.upload');
  }

  async removeLogo(actor: Actor, name: string) {
    return this.saveLogo(actor, name, { brandLogo: null, brandLogoType: null }, 'domain.logo.remove');
  }

  private async saveLogo(actor: Actor, name: string, data: { brandLogo: Buffer | null; brandLogoType: string | null }, action: string) {
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleDomain(tx, actor.ability, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Domain', row));
      const before = presentDomain(row);
      const updated = await tx.domain.update({
        where: { id: row.id },
        data: { brandLogo: data.brandLogo ? new Uint8Array(data.brandLogo) : null, brandLogoType: data.brandLogoType, version: { increment: 1 } },
        include: { parent: { select: { name: true } }, classOfService: { select: { name: true } }, serviceToggles: true },
      });
      const after = presentDomain(updated);
      await this.audit.record(tx, actor, { action, subjectType: 'Domain', subjectId: row.name, domain: row, before, after });
      return after;
    });
  }

  /** The named domain (or the longest domain suffix of a host name) and its ancestors, nearest first. */
  private async chainFor(hostOrDomain: string): Promise<BrandRow[]> {
    const labels = hostOrDomain.split('.');
    const candidates = labels.map((_, i) => labels.slice(i).join('.')).filter((name) => name.includes('.'));
    if (candidates.length === 0) return [];
    const matches = await this.prisma.domain.findMany({ where: { name: { in: candidates } }, select: brandSelect });
    const start = candidates.map((name) => matches.find((row) => row.name === name)).find((row) => row !== undefined);
    const chain: BrandRow[] = [];
    for (let row: BrandRow | null | undefined = start; row; ) {
      chain.push(row);
      row = row.parentId === null ? null : await this.prisma.domain.findUnique({ where: { id: row.parentId }, select: brandSelect });
    }
    return chain;
  }
}
