import { ArgsType, Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { Type } from '@nestjs/common';

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    default:
      return null;
  }
}

/** Free-form JSON (audit before/after snapshots). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});

@ObjectType('Services', { description: 'Services allowed at this level (false = switched off here)' })
export class ServicesType {
  @Field() smtp!: boolean;
  @Field() imap!: boolean;
  @Field() pop3!: boolean;
  @Field() webmail!: boolean;
  @Field() rpop!: boolean;
}

@InputType('ServicesInput')
export class ServicesInput {
  @Field({ nullable: true }) smtp?: boolean;
  @Field({ nullable: true }) imap?: boolean;
  @Field({ nullable: true }) pop3?: boolean;
  @Field({ nullable: true }) webmail?: boolean;
  @Field({ nullable: true }) rpop?: boolean;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: '1-500, default 50' }) limit?: number;
  @Field({ nullable: true }) cursor?: string;
  @Field({ nullable: true, description: 'Substring of the name or address' }) q?: string;
}

/** A page of `T` with the cursor of the next page, the same shape as REST lists. */
export function Connection<T>(item: Type<T>, name: string) {
  @ObjectType(name)
  class ConnectionClass {
    @Field(() => [item]) items!: T[];
    @Field(() => String, { nullable: true }) nextCursor!: string | null;
  }
  return ConnectionClass;
}

/** Drops undefined/null members that GraphQL passes for omitted optional arguments. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
