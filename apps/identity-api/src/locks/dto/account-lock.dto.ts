import { ApiProperty } from '@nestjs/swagger';
import type { AccountLockJson, CeilingJson, LockCounterJson } from '@authbridge/contract';

export class LockCounterDto implements LockCounterJson {
  @ApiProperty({ minimum: 0, description: 'Failures counted in the current window.' }) failures: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lockedUntil: string | null;
  @ApiProperty({ minimum: 0, description: '0 when not locked.' }) retryAfterSeconds: number;
}

export class AddressLockDto extends LockCounterDto {
  @ApiProperty({ description: "The end user's address (an IPv6 address counts by its /64)." }) address: string;
}

export class CeilingDto implements CeilingJson {
  @ApiProperty({ minimum: 0, description: 'Password checks of the name in the last hour from addresses it does not know.' }) lastHour: number;
  @ApiProperty({ minimum: 1, maximum: 100, description: 'THROTTLE_ACCOUNT_CHECKS_PER_HOUR.' }) limit: number;
  @ApiProperty({ minimum: 0, description: '0 while the ceiling lets checks through.' }) retryAfterSeconds: number;
}

export class AccountLockDto implements AccountLockJson {
  @ApiProperty({ description: 'The name the counters are kept under (canonical when it can be).', minLength: 1, maxLength: 255 }) username: string;
  @ApiProperty({ description: 'The account lock or an address lock holds now, or the account-wide ceiling is full.' }) locked: boolean;
  @ApiProperty({ type: LockCounterDto, description: 'Failures from all addresses; its lock stops only the addresses that failed.' }) account: LockCounterDto;
  @ApiProperty({ type: [AddressLockDto] }) addresses: AddressLockDto[];
  @ApiProperty({ type: CeilingDto, required: false, description: 'The account-wide ceiling (SPEC.md, "Brute-force protection").' }) checks?: CeilingDto;
}
