export interface Assignment {
  id: number;
  role: string | null;
  permissionSet: string | null;
  domain: string | null;
  createdAt: string;
}

/** GET /api/v1/admins items */
export interface Admin {
  id: number;
  username: string;
  displayName: string | null;
  disabled: boolean;
  assignments: Assignment[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Permission {
  action: string;
  subject: string;
}

/** GET /api/v1/permissions items: `grantable` when the signed-in admin holds it. */
export interface RegistryPermission extends Permission {
  description: string;
  requires: Permission[];
  grantable: boolean;
}

/** GET /api/v1/permission-sets items */
export interface PermissionSet {
  name: string;
  description: string | null;
  permissions: Permission[];
  domain: string | null;
  createdAt: string;
  updatedAt: string;
}

export const grantLabel = (g: { role: string | null; permissionSet: string | null; domain: string | null }) =>
  `${g.role ? `Role ${g.role}` : `Permission set ${g.permissionSet}`}${g.domain ? ` over ${g.domain}` : ' (whole platform)'}`;
