export type ServiceName = 'smtp' | 'imap' | 'pop3' | 'webmail' | 'rpop';
export const SERVICE_NAMES: ServiceName[] = ['smtp', 'imap', 'pop3', 'webmail', 'rpop'];
export const SERVICE_LABELS: Record<ServiceName, string> = { smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3', webmail: 'WebMail', rpop: 'Remote POP' };

/** GET /api/v1/domains/{domain} */
export interface DomainView {
  name: string;
  parent: string | null;
  depth: number;
  status: 'active' | 'suspended';
  classOfService: string | null;
  services: Record<ServiceName, boolean>;
  branding: { productName: string | null; primaryColor: string | null; accentColor: string | null; hasLogo: boolean };
  version: number;
  createdAt: string;
}
