import { ApiProperty } from '@nestjs/swagger';
import { USERNAME_MAX_BYTES, type UserJson, type UserPage } from '@authbridge/contract';

export class UserDto implements UserJson {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Jane Doe', description: 'Canonical MediaWiki user name.', minLength: 1, maxLength: USERNAME_MAX_BYTES }) username: string;
  @ApiProperty({ example: 'Jane Doe', maxLength: 255 }) realName: string;
  @ApiProperty({ type: String, nullable: true, format: 'email', maxLength: 254 }) email: string | null;
  @ApiProperty() emailVerified: boolean;
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty() disabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UserPageDto implements UserPage {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next page.' }) nextCursor: string | null;
}
