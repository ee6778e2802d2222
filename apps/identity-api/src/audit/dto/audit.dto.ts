import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_EVENTS, PAGE_SIZE_DEFAULT, USERNAME_INPUT_MAX_LENGTH, type AuditEventJson, type AuditEventName, type AuditPage } from '@authbridge/contract';
import { MAX_AUDIT_PAGE } from '@authbridge/accounts';
import { HasNoNul } from '../../problem/no-nul';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only events of this name (any spelling MediaWiki accepts).', maxLength: USERNAME_INPUT_MAX_LENGTH })
  @IsOptional() @IsString() @MaxLength(USERNAME_INPUT_MAX_LENGTH) @HasNoNul()
  username?: string;

  @ApiPropertyOptional({ enum: AUDIT_EVENTS })
  @IsOptional() @IsIn(AUDIT_EVENTS)
  event?: AuditEventName;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only events at or after this time (RFC 3339).' })
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: PAGE_SIZE_DEFAULT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_AUDIT_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

export class AuditEventDto implements AuditEventJson {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: AUDIT_EVENTS }) event: AuditEventName;
  @ApiProperty({ example: 'WRONG_PASSWORD', description: 'verify: PASS or the FAIL code; lock: ACCOUNT, ACCOUNT_ADDRESS or ADDRESS; others: OK or a problem code.' }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) username: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The client credential; null for the command-line tool.' }) clientId: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The end user's address as the API used it." }) address: string | null;
  @ApiProperty({ description: 'A password hash was computed (false for THROTTLED answers).' }) passwordChecked: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Facts of the event (retryAfterSeconds, addressSource, requestId, fields, ...).' }) detail: Record<string, unknown>;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next (older) page.' }) nextCursor: string | null;
}
