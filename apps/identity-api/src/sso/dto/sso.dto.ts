import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type {
  IssueTicketRequest, IssueTicketResponse, Jwk, JwkSet, RedeemTicketRequest, RedeemTicketResponse, SsoLogoutRequest,
  SsoLogoutResponse, SsoLogoutResult,
} from '@authbridge/contract';
import { HasNoNul } from '../../problem/no-nul';
import { UserDto } from '../../users/dto/user.dto';

export class IssueTicketDto implements IssueTicketRequest {
  @ApiProperty({ description: 'The user the website has logged in (any spelling MediaWiki accepts).', maxLength: 1024, example: 'Jane Doe' })
  @IsString() @IsNotEmpty() @MaxLength(1024) @HasNoNul()
  username: string;

  @ApiPropertyOptional({ description: 'A page title of the wiki to land on (never a URL).', maxLength: 255, example: 'Main Page' })
  @IsOptional() @IsString() @MaxLength(255) @HasNoNul()
  returnTo?: string;

  @ApiPropertyOptional({ description: "Keep the person logged in on the wiki (the wiki's long-lived cookie).", default: false })
  @IsOptional() @IsBoolean()
  remember?: boolean;

  @ApiPropertyOptional({ description: 'The wiki id ($wgAuthBridgeWikiId); optional when exactly one wiki is registered.', maxLength: 64 })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  audience?: string;
}

export class IssueTicketResponseDto implements IssueTicketResponse {
  @ApiProperty({ description: 'Compact JWS (EdDSA), valid once, for a short time, at one wiki.' }) ticket: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'uri', description: "The wiki's Special:AuthBridgeLogin with the ticket; redirect the browser there." }) loginUrl: string;
}

export class RedeemTicketDto implements RedeemTicketRequest {
  @ApiProperty({ description: 'The ticket as the wiki received it.', maxLength: 4096 })
  @IsString() @IsNotEmpty() @MaxLength(4096)
  ticket: string;
}

export class RedeemTicketResponseDto implements RedeemTicketResponse {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty() remember: boolean;
  @ApiProperty({ type: String, nullable: true }) returnTo: string | null;
  @ApiProperty() audience: string;
}

export class SsoLogoutDto implements SsoLogoutRequest {
  @ApiProperty({ maxLength: 1024, example: 'Jane Doe' })
  @IsString() @IsNotEmpty() @MaxLength(1024) @HasNoNul()
  username: string;
}

export class SsoLogoutResultDto implements SsoLogoutResult {
  @ApiProperty() wiki: string;
  @ApiProperty({ enum: ['ok', 'failed'] }) status: 'ok' | 'failed';
  @ApiProperty({ type: Number, nullable: true }) httpStatus: number | null;
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
