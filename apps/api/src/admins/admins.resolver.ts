import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import { AdminsService } from './admins.service.js';
import { AssignmentsService } from './assignments.service.js';

@ObjectType('RoleAssignment')
export class RoleAssignmentType {
  @Field(() => Int) id!: number;
  @Field(() => String, { nullable: true, description: 'staff, postmaster or subdomain-admin' }) role!: string | null;
  @Field(() => String, { nullable: true }) permissionSet!: string | null;
  @Field(() => String, { nullable: true, description: 'Root of the subtree; null = the whole platform' }) domain!: string | null;
  @Field() createdAt!: string;
}

@ObjectType('Admin')
export class AdminType {
  @Field(() => Int) id!: number;
  @Field() username!: string;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field() disabled!: boolean;
  @Field(() => [RoleAssignmentType], { description: 'The assignments inside my scope' }) assignments!: RoleAssignmentType[];
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field(() => Int) version!: number;
}

const AdminConnection = Connection(AdminType, 'AdminConnection');

@InputType()
export class CreateAdminInput {
  @Field() username!: string;
  @Field() password!: string;
  @Field({ nullable: true }) displayName?: string;
}

@InputType()
export class UpdateAdminInput {
  @Field({ nullable: true }) displayName?: string;
  @Field({ nullable: true, description: 'Remove the display name' }) clearDisplayName?: boolean;
  @Field({ nullable: true }) password?: string;
  @Field({ nullable: true }) disabled?: boolean;
}

@InputType()
export class AssignmentInput {
  @Field({ nullable: true, description: 'staff, postmaster or subdomain-admin' }) role?: string;
  @Field({ nullable: true }) permissionSet?: string;
  @Field({ nullable: true }) domain?: string;
}

@Resolver(() => AdminType)
export class AdminsResolver {
  constructor(
    private readonly service: AdminsService,
    private readonly assignmentsService: AssignmentsService,
  ) {}

  @Query(() => AdminConnection)
  @RequirePermission('read', 'Admin')
  admins(@CurrentActor() actor: Actor, @Args() page: PageArgs) {
    return this.service.list(actor, definedOnly({ ...page }));
  }

  @Query(() => AdminType)
  @RequirePermission('read', 'Admin')
  admin(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    return this.service.get(actor, id);
  }

  @Mutation(() => AdminType)
  @RequirePermission('create', 'Admin')
  createAdmin(@CurrentActor() actor: Actor, @Args('input') input: CreateAdminInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => AdminType)
  @RequirePermission('update', 'Admin')
  updateAdmin(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => Int }) id: number,
    @Args('input') input: UpdateAdminInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    const { clearDisplayName, ...rest } = definedOnly(input);
    const patch: Record<string, unknown> = { ...rest };
    if (clearDisplayName) patch.displayName = null;
    return this.service.update(actor, id, patch, expectedVersion ?? undefined);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Admin')
  async deleteAdmin(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    await this.service.remove(actor, id);
    return true;
  }

  @Mutation(() => RoleAssignmentType)
  @RequirePermission('create', 'RoleAssignment')
  assignRole(@CurrentActor() actor: Actor, @Args('adminId', { type: () => Int }) adminId: number, @Args('input') input: AssignmentInput) {
    return this.assignmentsService.assign(actor, adminId, definedOnly(input));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'RoleAssignment')
  async removeAssignment(
    @CurrentActor() actor: Actor,
    @Args('adminId', { type: () => Int }) adminId: number,
    @Args('assignmentId', { type: () => Int }) assignmentId: number,
  ) {
    await this.assignmentsService.remove(actor, adminId, assignmentId);
    return true;
  }
}
