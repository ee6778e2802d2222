import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@authbridge/contract';
import { UserDirectory } from '@authbridge/accounts';
import { DATABASE, pingDatabase, type Db } from '@authbridge/storage';
import { Public } from '../clients/public.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Db, private readonly directory: UserDirectory) {}

  @Get('live')
  @ApiOperation({ operationId: 'live', summary: 'The process answers' })
  @ApiOkResponse({ schema: { properties: { status: { type: 'string', enum: ['ok'] } } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'The store and the user source answer' })
  @ApiOkResponse({ schema: { properties: { status: { type: 'string', enum: ['ok'] }, userSource: { type: 'string', enum: ['local', 'sql', 'http'] } } } })
  async ready() {
    try {
      await pingDatabase(this.db);
    } catch {
      throw new DomainError('NOT_READY', 'The store does not answer.');
    }
    try {
      await this.directory.ready();
    } catch {
      throw new DomainError('NOT_READY', `The user source (USER_SOURCE=${this.directory.kind}) does not answer.`);
    }
    return { status: 'ok', userSource: this.directory.kind };
  }
}
