import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  SSO_NONCE_PATTERN, SSO_TOKEN_MAX_LENGTH, USERNAME_INPUT_MAX_LENGTH, WEBSITE_USER_ID_MAX_LENGTH, WEBSITE_USER_ID_PATTERN, WIKI_ID_PATTERN,
} from '@authbridge/contract';
import type {
  IssueTicketRequest, IssueTicketResponse, Jwk, JwkSet, RedeemTicketRequest, RedeemTicketResponse, SsoLogoutRequest,
  SsoLogoutResponse, SsoLogoutResult,
} from '@authbridge/contract';
import { HasNoNul } from '../../problem/no-nul';
import { UserDto } from '../../users/dto/user.dto';

export class IssueTicketDto implements IssueTicketRequest {
  @ApiPropertyOptional({
    description: 'The user the website has logged in: a wiki name in any spelling MediaWiki accepts; with a user source (USER_SOURCE=sql) also the website login name or email. Exactly one of username and websiteUserId.',
    minLength: 1,
    maxLength: USERNAME_INPUT_MAX_LENGTH,
    example: 'Jane Doe',
  })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(USERNAME_INPUT_MAX_LENGTH) @HasNoNul()
  username?: string;

  @ApiPropertyOptional({ description: "With a user source: the website's own id of the user (the id column of its users table). Exactly one of username and websiteUserId.", maxLength: WEBSITE_USER_ID_MAX_LENGTH, pattern: WEBSITE_USER_ID_PATTERN.source, example: '42' })
  @IsOptional() @IsString() @Matches(WEBSITE_USER_ID_PATTERN, { message: `websiteUserId must be 1-${WEBSITE_USER_ID_MAX_LENGTH} letters, digits or _ . : -` })
  websiteUserId?: string;

  @ApiPropertyOptional({ description: 'A page title of the wiki to land on (never a URL).', maxLength: 255, example: 'Main Page' })
  @IsOptional() @IsString() @MaxLength(255) @HasNoNul()
  returnTo?: string;

  @ApiPropertyOptional({ description: "Keep the person logged in on the wiki (the wiki's long-lived cookie).", default: false })
  @IsOptional() @IsBoolean()
  remember?: boolean;

  @ApiPropertyOptional({ description: 'The wiki id ($wgAuthBridgeWikiId); optional when exactly one wiki is registered.', pattern: WIKI_ID_PATTERN.source })
  @IsOptional() @IsString() @Matches(WIKI_ID_PATTERN)
  audience?: string;

  @ApiPropertyOptional({
    description: "The `nonce` query parameter the wiki sent the browser with (base64url SHA-256 of the wiki's browser cookie). Copied into the ticket's claims; the wiki refuses a ticket whose nonce is not its browser's.",
    pattern: SSO_NONCE_PATTERN.source,
    example: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  })
  @IsOptional() @IsString() @Matches(SSO_NONCE_PATTERN, { message: 'nonce must be 43 base64url characters (a SHA-256)' })
  nonce?: string;
}

export class IssueTicketResponseDto implements IssueTicketResponse {
  @ApiProperty({ description: 'Compact JWS (EdDSA), valid once, for a short time, at one wiki.', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', maxLength: SSO_TOKEN_MAX_LENGTH }) ticket: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'uri', description: "The wiki's Special:AuthBridgeLogin with the ticket; redirect the browser there." }) loginUrl: string;
}

export class RedeemTicketDto implements RedeemTicketRequest {
  @ApiProperty({ description: 'The ticket as the wiki received it.', minLength: 1, maxLength: SSO_TOKEN_MAX_LENGTH })
  @IsString() @IsNotEmpty() @MaxLength(SSO_TOKEN_MAX_LENGTH)
  ticket: string;
}

export class RedeemTicketResponseDto implements RedeemTicketResponse {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty() remember: boolean;
  @ApiProperty({ type: String, nullable: true }) returnTo: string | null;
  @ApiProperty() audience: string;
}

export class SsoLogoutDto implements SsoLogoutRequest {
  @ApiProperty({ minLength: 1, maxLength: USERNAME_INPUT_MAX_LENGTH, example: 'Jane Doe' })
  @IsString() @IsNotEmpty() @MaxLength(USERNAME_INPUT_MAX_LENGTH) @HasNoNul()
  username: string;
}

export class SsoLogoutResultDto implements SsoLogoutResult {
  @ApiProperty() wiki: string;
  @ApiProperty({ enum: ['ok', 'failed'] }) status: 'ok' | 'failed';
  @ApiProperty({ type: Number, nullable: true }) httpStatus: number | null;
  @ApiPropertyOptional({ description: 'A failed delivery that will be tried again with backoff (SPEC.md, "Delivery").' }) retrying?: boolean;
}

export class SsoLogoutResponseDto implements SsoLogoutResponse {
  @ApiProperty({ type: [SsoLogoutResultDto] }) results: SsoLogoutResultDto[];
}

export class JwkDto implements Jwk {
  @ApiProperty({ enum: ['OKP'] }) kty: 'OKP';
  @ApiProperty({ enum: ['Ed25519'] }) crv: 'Ed25519';
  @ApiProperty() x: string;
  @ApiProperty() kid: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg: 'EdDSA';
  @ApiProperty({ enum: ['sig'] }) use: 'sig';
}

export class JwkSetDto implements JwkSet {
  @ApiProperty({ type: [JwkDto] }) keys: JwkDto[];
}
