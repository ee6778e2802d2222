import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountLocks } from '@authbridge/accounts';
import type { AccountLockJson } from '@authbridge/contract';
import { actorOf } from '../clients/caller';
import { RequireScopes } from '../clients/scopes.decorator';
import { AccountLockDto } from './dto/account-lock.dto';

/** Brute-force locks of a name (SPEC.md, "Brute-force protection"). The name need not exist. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users/:username/lock')
export class LocksController {
  constructor(private readonly locks: AccountLocks) {}

  @Get()
  @RequireScopes('users:read')
  @ApiOperation({ operationId: 'getUserLock', summary: 'Failure counters and locks of a name' })
  @ApiOkResponse({ type: AccountLockDto })
  get(@Param('username') username: string): Promise<AccountLockJson> {
    return this.locks.status(username);
  }

  @Delete()
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({ operationId: 'clearUserLock', summary: "Clear a name's failures and locks, from every address" })
  @ApiNoContentResponse()
  async clear(@Param('username') username: string, @Req() request: Request): Promise<void> {
    await this.locks.clear(username, actorOf(request));
  }
}
