import { Body, Controller, Delete, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Public, RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { BrandingService } from './branding.service.js';
import { brandingQuery, uploadLogoInput } from './branding.schemas.js';

interface BinaryResponse {
  setHeader(name: string, value: string): unknown;
  end(body: Buffer): unknown;
}

@ApiTags('branding')
@ApiStandardErrors()
@Controller()
export class BrandingController {
  constructor(private readonly branding: BrandingService) {}

  @Get('branding')
  @Public()
  @ApiOperation({ summary: 'Product name, colours and logo URL for a domain or a host name under it (for sign-in pages)' })
  @ApiZodQuery(brandingQuery)
  get(@Query() query: unknown) {
    return this.branding.forDomain(query);
  }

  @Get('branding/logo')
  @Public()
  @ApiOperation({ summary: "A domain's logo image" })
  @ApiZodQuery(brandingQuery)
  async logo(@Query() query: unknown, @Res() response: BinaryResponse) {
    const logo = await this.branding.logo(query);
    response.setHeader('Content-Type', logo.contentType);
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.end(logo.bytes);
  }

  @Put('domains/:domain/logo')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Upload a domain's logo: PNG, JPEG, WebP or GIF, base64-encoded, at most 256 KiB" })
  @ApiZodBody(uploadLogoInput)
  upload(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.branding.uploadLogo(actor, domain, body);
  }

  @Delete('domains/:domain/logo')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Remove a domain's logo" })
  remove(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.branding.removeLogo(actor, domain);
  }
}
