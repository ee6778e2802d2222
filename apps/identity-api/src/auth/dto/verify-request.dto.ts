import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from '@authbridge/passwords';
import { USERNAME_INPUT_MAX_LENGTH, type VerifyContext, type VerifyRequest } from '@authbridge/contract';
import { HasNoNul } from '../../problem/no-nul';

export class VerifyContextDto implements VerifyContext {
  @ApiPropertyOptional({ description: "The end user's IP address as the wiki saw it.", maxLength: 64 })
  @IsOptional() @IsString() @MaxLength(64) @HasNoNul()
  ip?: string;

  @ApiPropertyOptional({ description: "The end user's browser user agent.", maxLength: 512 })
  @IsOptional() @IsString() @MaxLength(512) @HasNoNul()
  userAgent?: string;

  @ApiPropertyOptional({ description: "The wiki's request id, for correlating logs.", maxLength: 128 })
  @IsOptional() @IsString() @MaxLength(128) @HasNoNul()
  requestId?: string;
}

export class VerifyRequestDto implements VerifyRequest {
  @ApiProperty({ description: 'User name in any spelling MediaWiki accepts.', minLength: 1, maxLength: USERNAME_INPUT_MAX_LENGTH, example: 'Jane Doe' })
  @IsString() @IsNotEmpty() @MaxLength(USERNAME_INPUT_MAX_LENGTH) @HasNoNul()
  username: string;

  @ApiProperty({ description: 'The password the person typed.', minLength: 1, maxLength: MAX_PASSWORD_LENGTH, format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(MAX_PASSWORD_LENGTH) @HasNoNul()
  password: string;

  @ApiPropertyOptional({ type: VerifyContextDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => VerifyContextDto)
  context?: VerifyContextDto;
}
