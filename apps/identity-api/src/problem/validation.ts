import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type ProblemField } from '@authbridge/contract';

function flatten(errors: ValidationError[], parent = ''): ProblemField[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Unknown fields are dropped (a newer caller may send fields this version does not know),
 * types are not coerced, every broken field is listed, and no value is echoed back.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('VALIDATION_FAILED', 'One or more fields are not valid.', flatten(errors)),
  });
}
