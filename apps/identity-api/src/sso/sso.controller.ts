import { Body, Controller, Get, Header, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { SsoKeys, SsoTickets, type AuthenticatedClient } from '@authbridge/accounts';
import { SSO_JWKS_MAX_AGE_SECONDS, type IssueTicketResponse, type JwkSet, type RedeemTicketResponse, type SsoLogoutResponse } from '@authbridge/contract';
import { actorOf } from '../clients/caller';
import { Public } from '../clients/public.decorator';
import { RequireScopes } from '../clients/scopes.decorator';
import { IssueTicketDto, IssueTicketResponseDto, JwkSetDto, RedeemTicketDto, RedeemTicketResponseDto, SsoLogoutDto, SsoLogoutResponseDto } from './dto/sso.dto';
import { SsoLogoutService } from './sso-logout.service';

@ApiTags('sso')
@ApiBearerAuth()
@Controller('v1/sso')
export class SsoController {
  private readonly logger = new Logger('SsoController');

  constructor(
    private readonly tickets: SsoTickets,
    private readonly logoutService: SsoLogoutService,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @RequireScopes('sso:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'issueSsoTicket', summary: 'A one-time ticket that logs a user the website has logged in into a wiki' })
  @ApiCreatedResponse({ type: IssueTicketResponseDto })
  async issue(@Body() body: IssueTicketDto, @Req() request: Request & { client: AuthenticatedClient }): Promise<IssueTicketResponse> {
    const issued = await this.tickets.issue(body, request.client.id);
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

  @Post('logout')
  @HttpCode(200)
  @RequireScopes('sso:issue')
  @ApiOperation({ operationId: 'ssoLogout', summary: "End the user's sessions on every registered wiki (back channel)" })
  @ApiOkResponse({ type: SsoLogoutResponseDto })
  logout(@Body() body: SsoLogoutDto, @Req() request: Request): Promise<SsoLogoutResponse> {
    return this.logoutService.logout(body.username, actorOf(request));
  }
}

@ApiTags('sso')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SsoKeys) {}

  @Get('jwks.json')
  @Public()
  // The wiki caches the set exactly this long; with the retired key's 65 s this bounds the rotation window (SPEC.md, "Keys").
  @Header('Cache-Control', `public, max-age=${SSO_JWKS_MAX_AGE_SECONDS}`)
  @ApiOperation({ operationId: 'getJwks', summary: 'Public keys that verify tickets and logout tokens' })
  @ApiOkResponse({ type: JwkSetDto })
  jwks(): Promise<JwkSet> {
    return this.keys.jwks();
  }
}
