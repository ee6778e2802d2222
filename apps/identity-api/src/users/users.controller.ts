import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '@authbridge/accounts';
import { DomainError, MissingScopeError, type UserJson, type UserPage } from '@authbridge/contract';
import type { AuthenticatedClient } from '@authbridge/accounts';
import type { Request } from 'express';
import { actorOf } from '../clients/caller';
import { RequireScopes } from '../clients/scopes.decorator';
import { CreateUserDto, ListUsersQueryDto, SetPasswordDto, UpdateUserDto } from './dto/user-requests.dto';
import { UserDto, UserPageDto } from './dto/user.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @RequireScopes('users:read')
  @ApiOperation({ operationId: 'listUsers', summary: 'Find users by name prefix, a page at a time, or by email' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto): Promise<UserPage> {
    return this.accounts.list(query);
  }

  @Get(':username')
  @RequireScopes('users:read')
  @ApiOperation({ operationId: 'getUser', summary: 'One user by name (any spelling MediaWiki accepts)' })
  @ApiOkResponse({ type: UserDto })
  get(@Param('username') username: string): Promise<UserJson> {
    return this.accounts.get(username);
  }

  @Post()
  @RequireScopes('users:write')
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserDto })
  create(@Body() body: CreateUserDto, @Req() request: Request): Promise<UserJson> {
    return this.accounts.create(body, actorOf(request));
  }

  @Patch(':username')
  @RequireScopes('users:write')
  @ApiOperation({ operationId: 'updateUser', summary: 'Change profile, groups, or disable/enable a user' })
  @ApiOkResponse({ type: UserDto })
  update(@Param('username') username: string, @Body() body: UpdateUserDto, @Req() request: Request): Promise<UserJson> {
    return this.accounts.update(username, body, actorOf(request));
  }

  @Put(':username/password')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({
    operationId: 'setUserPassword',
    summary: "Set a user's password (optionally checking the current one)",
    description: 'Without currentPassword (a reset) the credential also needs the scope users:password. Every change ends the user\'s wiki sessions.',
  })
  @ApiNoContentResponse()
  async setPassword(@Param('username') username: string, @Body() body: SetPasswordDto, @Req() request: Request & { client: AuthenticatedClient }): Promise<void> {
    // Editing profiles must not be enough to take an account over by resetting its password.
    if (body.currentPassword === undefined && !request.client.scopes.includes('users:password')) {
      // a reset (no current password) needs the extra scope; the problem names it like the guard's
      throw new MissingScopeError(['users:password']);
    }
    await this.accounts.setPassword(username, body.password, body.currentPassword, actorOf(request));
  }

  @Delete(':username')
  @HttpCode(204)
  @RequireScopes('users:write')
  @ApiOperation({ operationId: 'deleteUser', summary: 'Delete a user; every registered wiki ends their sessions and refuses their bot passwords' })
  @ApiNoContentResponse()
  async delete(@Param('username') username: string, @Req() request: Request): Promise<void> {
    await this.accounts.delete(username, actorOf(request));
  }
}
