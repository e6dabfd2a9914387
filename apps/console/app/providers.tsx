'use client';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { colorsTuple, createTheme, MantineProvider, Modal, Notification } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { ApiError } from '@/api/client';
import { DEFAULT_PRIMARY } from '@/branding/branding';
import { wasSignedIn } from '@/session/session';

const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

// Mantine's dimmed and placeholder greys are below WCAG AA contrast on white: one step darker.
const readableGreys = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-placeholder': 'var(--mantine-color-gray-7)' },
  dark: {},
});

const BrandColorContext = createContext<(color: string | null) => void>(() => {});

/** Lets the shell and the sign-in page paint the console in the district's colour. */
export function useSetBrandColor() {
  return useContext(BrandColorContext);
}

/**
 * A 401 on any request after sign-in means the session ended (expired or revoked): go to
 * the sign-in page with the reason, without a full reload, and come back afterwards.
 */
function onUnauthenticated(error: unknown) {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  if (window.location.pathname.startsWith('/sign-in')) return;
  // The flag stays set until the next sign-in or sign-out: several requests of one page fail together.
  const expired = wasSignedIn();
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  window.dispatchEvent(new CustomEvent('schoolmail:signed-out', { detail: `/sign-in?${expired ? 'expired=1&' : ''}next=${next}` }));
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onUnauthenticated }),
        mutationCache: new MutationCache({ onError: onUnauthenticated }),
        defaultOptions: { queries: { refetchOnWindowFocus: false, retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2 } },
      }),
  );
  const [brandColor, setBrandColor] = useState<string | null>(null);
  const theme = useMemo(
    () =>
      createTheme({
        fontFamily: SYSTEM_FONTS,
        headings: { fontFamily: SYSTEM_FONTS },
        colors: { brand: colorsTuple(brandColor ?? DEFAULT_PRIMARY) },
        primaryColor: 'brand',
        autoContrast: true,
        focusRing: 'auto',
        components: {
          Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
          // Every dialog's close button gets a name (axe: button-name), without each dialog repeating it.
          Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
        },
      }),
    [brandColor],
  );
  return (
    <QueryClientProvider client={queryClient}>
      <BrandColorContext.Provider value={setBrandColor}>
        <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={readableGreys}>
          <Notifications position="top-right" />
          {children}
        </MantineProvider>
      </BrandColorContext.Provider>
    </QueryClientProvider>
  );
}
