import { Body, Controller, Get, Header, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { requireCanonicalName, SSO_SETTINGS, SsoKeys, SsoTickets, SsoWikis, type AuthenticatedClient, type SsoSettings } from '@authbridge/accounts';
import type { IssueTicketResponse, JwkSet, RedeemTicketResponse, SsoLogoutResponse } from '@authbridge/contract';
import { Public } from '../clients/public.decorator';
import { RequireScopes } from '../clients/scopes.decorator';
import { IssueTicketDto, IssueTicketResponseDto, JwkSetDto, RedeemTicketDto, RedeemTicketResponseDto, SsoLogoutDto, SsoLogoutResponseDto } from './dto/sso.dto';
import { LogoutNotifier } from './logout-notifier';

@ApiTags('sso')
@ApiBearerAuth()
@Controller('v1/sso')
export class SsoController {
  private readonly logger = new Logger('SsoController');

  constructor(
    private readonly tickets: SsoTickets,
    private readonly wikis: SsoWikis,
    private readonly notifier: LogoutNotifier,
    @Inject(SSO_SETTINGS) private readonly settings: SsoSettings,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @RequireScopes('sso:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'issueSsoTicket', summary: 'A one-time ticket that logs a user the website has logged in into a wiki' })
  @ApiCreatedResponse({ type: IssueTicketResponseDto })
  async issue(@Body() body: IssueTicketDto): Promise<IssueTicketResponse> {
    const issued = await this.tickets.issue(body);
    this.logger.log({ msg: 'ticket issued', expiresAt: issued.expiresAt });
    return issued;
  }

  @Post('tickets/redeem')
  @HttpCode(200)
  @RequireScopes('sso:redeem')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'redeemSsoTicket', summary: 'Use up a ticket (once, ever) and get the current user' })
  @ApiOkResponse({ type: RedeemTicketResponseDto })
  redeem(@Body() body: RedeemTicketDto, @Req() request: Request & { client: AuthenticatedClient }): Promise<RedeemTicketResponse> {
    return this.tickets.redeem(body.ticket, request.client.id);
  }

  /** Every wiki is told, in parallel; one that does not answer does not hold up the others. */
  @Post('logout')
  @HttpCode(200)
  @RequireScopes('sso:issue')
  @ApiOperation({ operationId: 'ssoLogout', summary: "End the user's sessions on every registered wiki (back channel)" })
  @ApiOkResponse({ type: SsoLogoutResponseDto })
  async logout(@Body() body: SsoLogoutDto): Promise<SsoLogoutResponse> {
    const username = requireCanonicalName(body.username);
    const wikis = await this.wikis.list();
    const results = await Promise.all(wikis.map(async (wiki) => {
      const token = await this.tickets.logoutToken(wiki, username);
      const httpStatus = await this.notifier.notify(`${wiki.url}/rest.php/authbridge/v1/logout`, token, this.settings.logoutTimeoutMs);
      const ok = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
      if (!ok) this.logger.warn({ msg: 'single logout not confirmed by wiki', wiki: wiki.id, httpStatus });
      return { wiki: wiki.id, status: ok ? 'ok' as const : 'failed' as const, httpStatus };
    }));
    return { results };
  }
}

@ApiTags('sso')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SsoKeys) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ operationId: 'getJwks', summary: 'Public keys that verify tickets and logout tokens' })
  @ApiOkResponse({ type: JwkSetDto })
  jwks(): Promise<JwkSet> {
    return this.keys.jwks();
  }
}
