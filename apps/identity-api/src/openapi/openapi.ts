import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CONTRACT_VERSION } from '@authbridge/contract';

/** Sorted keys make the committed document diff cleanly and the drift test exact. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    ) as T;
  }
  return value;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('AuthBridge identity API')
    .setDescription('Password verification and user look-up for MediaWiki. See mediawiki-extension-contract/SPEC.md.')
    .setVersion(CONTRACT_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Client secret printed by `npm run cli -- clients create`.' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
  return sortKeys(withRequestIdHeader(document));
}

const REQUEST_ID_DESCRIPTION =
  "The caller's id for this request (the wiki sends MediaWiki's request id); kept when it is 1-128 characters of A-Z a-z 0-9 . _ @ : -, otherwise replaced by a fresh UUID. See SPEC.md, \"Request ids\".";

/** X-Request-Id on every operation and every answer: set in app.setup.ts for all routes, so documented here for all. */
function withRequestIdHeader(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.parameters = {
    ...document.components.parameters,
    RequestId: { name: 'X-Request-Id', in: 'header', required: false, description: REQUEST_ID_DESCRIPTION, schema: { type: 'string', pattern: '^[A-Za-z0-9._@:-]{1,128}$' } },
  };
  document.components.headers = {
    ...document.components.headers,
    RequestId: { description: 'The id of this request: the one sent, or a fresh UUID; every log line of the request carries it as reqId.', schema: { type: 'string' } },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/RequestId' }];
      for (const response of Object.values(operation.responses ?? {})) {
        if (response === undefined || '$ref' in response) continue;
        response.headers = { ...response.headers, 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
      }
    }
  }
  return document;
}

/** Serves GET /openapi.json and the Swagger UI at /docs; mounted on Express, so outside the credential guard. */
export function mountOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
}
