import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import type { VerifyResponse } from '@authbridge/contract';
import { RequireScopes } from '../clients/scopes.decorator';
import { VerifyRequestDto } from './dto/verify-request.dto';
import { VerifyFailDto, VerifyPassDto } from './dto/verify-response.dto';
import { VerifyCredentialsGuard } from './verify-credentials.guard';

@ApiTags('auth')
@ApiBearerAuth()
@ApiExtraModels(VerifyPassDto, VerifyFailDto)
@Controller('v1/auth')
export class VerifyController {
  @Post('verify')
  @HttpCode(200)
  @RequireScopes('auth:verify')
  @UseGuards(VerifyCredentialsGuard)
  @ApiOperation({ operationId: 'verifyPassword', summary: "Check a user's password; PASS carries the user" })
  @ApiBody({ type: VerifyRequestDto })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(VerifyPassDto) }, { $ref: getSchemaPath(VerifyFailDto) }] } })
  verify(@Req() request: Request & { verification: VerifyResponse }): VerifyResponse {
    return request.verification;
  }
}
