import { ApiProperty } from '@nestjs/swagger';
import type { AccountLockJson, LockCounterJson } from '@authbridge/contract';

export class LockCounterDto implements LockCounterJson {
  @ApiProperty({ minimum: 0, description: 'Failures counted in the current window.' }) failures: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lockedUntil: string | null;
  @ApiProperty({ minimum: 0, description: '0 when not locked.' }) retryAfterSeconds: number;
}

export class AddressLockDto extends LockCounterDto {
  @ApiProperty({ description: "The end user's address (an IPv6 address counts by its /64)." }) address: string;
}

export class AccountLockDto implements AccountLockJson {
  @ApiProperty({ description: 'The name the counters are kept under (canonical when it can be).', minLength: 1, maxLength: 255 }) username: string;
  @ApiProperty({ description: 'The account lock or an address lock holds now.' }) locked: boolean;
  @ApiProperty({ type: LockCounterDto, description: 'Failures from all addresses; its lock stops only the addresses that failed.' }) account: LockCounterDto;
  @ApiProperty({ type: [AddressLockDto] }) addresses: AddressLockDto[];
}
