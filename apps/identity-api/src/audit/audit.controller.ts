import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog, auditNames, KeyedHashes } from '@authbridge/accounts';
import type { AuditPage } from '@authbridge/contract';
import { RequireScopes } from '../clients/scopes.decorator';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly keyed: KeyedHashes,
  ) {}

  @Get()
  @RequireScopes('audit:read')
  @ApiOperation({ operationId: 'listAuditEvents', summary: 'Authentication and administration events, newest first' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.list({ ...query, username: query.username === undefined ? undefined : await auditNames(this.keyed, query.username) });
  }
}
