import { Module } from '@nestjs/common';
import { ClusterController } from './cluster.controller.js';
import { ClusterResolver } from './cluster.resolver.js';
import { ClusterService } from './cluster.service.js';
import { CLUSTER_SETTINGS, loadClusterSettings } from './cluster.settings.js';
import { NginxAuthController } from './nginx-auth.controller.js';
import { NginxAuthService } from './nginx-auth.service.js';

@Module({
  controllers: [ClusterController, NginxAuthController],
  providers: [ClusterService, ClusterResolver, NginxAuthService, { provide: CLUSTER_SETTINGS, useFactory: () => loadClusterSettings() }],
})
export class ClusterModule {}
