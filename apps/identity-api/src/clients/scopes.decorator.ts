import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@authbridge/contract';

export const REQUIRED_SCOPES = 'authbridge:requiredScopes';

/** The client must hold every scope listed. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);
