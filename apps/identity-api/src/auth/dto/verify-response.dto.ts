import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERIFY_FAIL_CODES, type VerifyFailCode } from '@authbridge/contract';
import { UserDto } from '../../users/dto/user.dto';

export class VerifyPassDto {
  @ApiProperty({ enum: ['PASS'] }) result: 'PASS';
  @ApiProperty({ type: UserDto }) user: UserDto;
}

export class VerifyFailDto {
  @ApiProperty({ enum: ['FAIL'] }) result: 'FAIL';
  @ApiProperty({ enum: VERIFY_FAIL_CODES }) code: VerifyFailCode;
  @ApiPropertyOptional({ minimum: 1, description: 'With THROTTLED: seconds until another attempt can succeed.' }) retryAfterSeconds?: number;
}
