import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AppAbility, Principal } from '@schoolmail/rbac';

export type Interface = 'rest' | 'graphql' | 'console' | 'cli';

/** Who is asking, with the one ability that decides what they may do in this request. */
export interface Actor {
  principal: Principal;
  ability: AppAbility;
  /** How the actor's rights read in the audit log, e.g. "postmaster" or "set:filters-only". */
  role: string;
  interface: Interface;
  clientIp: string | null;
  sessionId?: string;
}

export interface RequestWithActor {
  actor?: Actor;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  method?: string;
  originalUrl?: string;
  url?: string;
  body?: unknown;
}

export function requestOf(context: ExecutionContext): RequestWithActor {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  return context.switchToHttp().getRequest();
}

/** The authenticated actor of this request (the guard has put it there). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const actor = requestOf(context).actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});

/** The client address of an un-authenticated request (login). */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext) => requestOf(context).ip ?? null);
