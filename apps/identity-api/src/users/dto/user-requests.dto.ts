import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf,
} from 'class-validator';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, USERNAME_INPUT_MAX_LENGTH, USERNAME_MAX_BYTES } from '@authbridge/contract';
import type { CreateUserRequest, SetPasswordRequest, UpdateUserRequest } from '@authbridge/contract';
import { MAX_NEW_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@authbridge/passwords';
import { HasNoNul } from '../../problem/no-nul';

const MAX_GROUPS = 100;

class ProfileFieldsDto {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', maxLength: 254 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEmail() @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  emailVerified?: boolean;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @MaxLength(255) @HasNoNul()
  realName?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_GROUPS, description: "The website's groups; the wiki maps them." })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_GROUPS) @IsString({ each: true }) @MaxLength(64, { each: true }) @HasNoNul({ each: true })
  groups?: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  disabled?: boolean;
}

export class CreateUserDto extends ProfileFieldsDto implements CreateUserRequest {
  @ApiProperty({ minLength: 1, maxLength: USERNAME_INPUT_MAX_LENGTH, example: 'Jane Doe' })
  @IsString() @IsNotEmpty() @MaxLength(USERNAME_INPUT_MAX_LENGTH) @HasNoNul()
  username: string;

  @ApiPropertyOptional({ format: 'password', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_NEW_PASSWORD_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_PASSWORD_LENGTH) @HasNoNul()
  password?: string;
}

export class UpdateUserDto extends ProfileFieldsDto implements UpdateUserRequest {}

export class SetPasswordDto implements SetPasswordRequest {
  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_NEW_PASSWORD_LENGTH })
  @IsString() @IsNotEmpty() @MaxLength(MAX_PASSWORD_LENGTH) @HasNoNul()
  password: string;

  @ApiPropertyOptional({ format: 'password', description: 'When given, the change happens only if this is the current password.', maxLength: MAX_PASSWORD_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_PASSWORD_LENGTH) @HasNoNul()
  currentPassword?: string;
}

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'Names starting with this (canonicalised like a name).', maxLength: USERNAME_MAX_BYTES })
  @IsOptional() @IsString() @MaxLength(USERNAME_MAX_BYTES) @HasNoNul()
  prefix?: string;

  @ApiPropertyOptional({ description: 'Every user with this email, without regard to case; one page, not with prefix or cursor.', minLength: 1, maxLength: 254 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(254) @HasNoNul()
  email?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(PAGE_SIZE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: 1400 })
  @IsOptional() @IsString() @MaxLength(1400)
  cursor?: string;
}
