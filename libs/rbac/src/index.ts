export * from './permissions.js';
export * from './ability.js';
export { accessibleBy, type AppAbility, type AppSubjects, type WhereInput } from './casl-prisma.js';
export { subject, ForbiddenError } from '@casl/ability';
