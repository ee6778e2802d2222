import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'authbridge:isPublic';

/** Opts a route out of the client-credential guard (health, documents, JWKS). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
