import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/**
 * A static export: `next build` writes plain files to out/, which the API process serves on
 * its own origin (see README.md). In development `next dev` forwards API calls to a running
 * API instead, so pages reload while the API keeps its sessions.
 */
export default function config(phase) {
  const apiOrigin = process.env.SCHOOLMAIL_API_ORIGIN ?? 'http://127.0.0.1:3000';
  return {
    output: 'export',
    reactStrictMode: true,
    poweredByHeader: false,
    images: { unoptimized: true },
    ...(phase === PHASE_DEVELOPMENT_SERVER
      ? {
          output: undefined,
          async rewrites() {
            return [
              { source: '/api/:path*', destination: `${apiOrigin}/api/:path*` },
              { source: '/graphql', destination: `${apiOrigin}/graphql` },
            ];
          },
        }
      : {}),
  };
}
