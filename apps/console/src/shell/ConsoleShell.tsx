'use client';
import { useEffect, useMemo, type ReactNode } from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { Anchor, AppShell, Burger, Button, Center, Group, Image, Loader, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { post } from '@/api/client';
import { useBranding } from '@/branding/branding';
import { rememberSignedIn, sessionOf, SessionProvider, useMe } from '@/session/session';
import { useSetBrandColor } from '../../app/providers';
import { isActive, isMailboxOwner, navigationFor, outsideSelfService, SELF_SERVICE_HOME } from './navigation';

/**
 * Below this width (a portrait tablet) the navigation folds away behind the menu button, so the
 * page gets the whole width; globals.css keeps the folded navigation out of the Tab order.
 */
const NAVBAR_BREAKPOINT = 'md';

/** The frame of every signed-in screen: district-branded header, navigation, main area. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [navOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure();
  const me = useMe();
  const session = useMemo(() => (me.data ? sessionOf(me.data) : null), [me.data]);
  const branding = useBranding(session ? (session.homeDomain ?? '') : undefined);
  const setBrandColor = useSetBrandColor();

  useEffect(() => {
    const leave = (event: Event) => router.replace((event as CustomEvent<string>).detail);
    window.addEventListener('schoolmail:signed-out', leave);
    return () => window.removeEventListener('schoolmail:signed-out', leave);
  }, [router]);

  // On a narrow screen the opened navigation covers the page: choosing a screen puts it away.
  useEffect(closeNav, [pathname, closeNav]);

  useEffect(() => setBrandColor(branding.data?.primaryColor ?? null), [branding.data?.primaryColor, setBrandColor]);

  const strayMailboxOwner = session !== null && isMailboxOwner(session) && outsideSelfService(pathname);
  useEffect(() => {
    if (strayMailboxOwner) router.replace(SELF_SERVICE_HOME);
  }, [strayMailboxOwner, router]);

  if (!session || strayMailboxOwner) {
    return (
      <Center h="100vh" role="status" aria-label="Loading">
        <Loader />
      </Center>
    );
  }

  const signOut = async () => {
    await post('/auth/logout').catch(() => undefined);
    rememberSignedIn(false);
    queryClient.clear();
    router.replace('/sign-in');
  };

  const productName = branding.data?.productName ?? 'Schoolmail';
  return (
    <SessionProvider session={session}>
      <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: NAVBAR_BREAKPOINT, collapsed: { mobile: !navOpen } }} padding="md">
        <AppShell.Header style={{ borderBottom: `4px solid ${branding.data?.primaryColor ?? 'var(--mantine-color-brand-6)'}` }}>
          <Anchor href="#main" className="skip-link">
            Skip to content
          </Anchor>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={navOpen} onClick={toggleNav} hiddenFrom={NAVBAR_BREAKPOINT} size="sm" aria-label="Navigation menu" aria-expanded={navOpen} aria-controls="main-navigation" />
              {branding.data?.logoUrl ? <Image src={branding.data.logoUrl} alt={`${productName} logo`} h={36} w="auto" fit="contain" data-testid="brand-logo" /> : null}
              <Title order={1} size="h3" data-testid="brand-name">
                {productName}
              </Title>
              {session.homeDomain ? (
                <Text c="dimmed" size="sm" visibleFrom="sm">
                  {session.homeDomain}
                </Text>
              ) : null}
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" data-testid="signed-in-as">
                {session.me.name} <Text span c="dimmed">({session.me.role})</Text>
              </Text>
              <Button variant="default" size="xs" onClick={signOut}>
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Main" id="main-navigation" className="console-navbar" data-closed={navOpen ? undefined : true}>
          {navigationFor(session).map((item) => (
            <NavLink key={item.href} component={Link} href={item.href} label={item.label} active={isActive(pathname, item)} variant="filled" />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="main" tabIndex={-1}>
          {children}
        </AppShell.Main>
      </AppShell>
    </SessionProvider>
  );
}
