'use client';
import { FormError } from '@/ui/States';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Box, Button, ColorInput, FileButton, Group, Image, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { del, patch, put } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useDraft } from '@/forms/draft';
import { DEFAULT_PRIMARY } from '@/branding/branding';
import type { DomainView } from './types';

const HEX = /^#[0-9a-fA-F]{6}$/;

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Product name, colours and logo of a domain, with a preview of its sign-in page. */
export function BrandingEditor({ domain, canUpdate }: { domain: DomainView; canUpdate: boolean }) {
  const queryClient = useQueryClient();
  const path = `/domains/${encodeURIComponent(domain.name)}`;
  const draft = useDraft({
    productName: domain.branding.productName ?? '',
    primaryColor: domain.branding.primaryColor ?? '',
    accentColor: domain.branding.accentColor ?? '',
  });
  const { productName, primaryColor, accentColor } = draft.values;
  // The answer of each save carries the new version: set it at once, so the next save on this
  // screen does not wait for the refetch; then refetch the lists that show the domain.
  const refresh = async (updated: DomainView) => {
    queryClient.setQueryData(['domains', 'one', domain.name], updated);
    await queryClient.invalidateQueries({ queryKey: ['domains'] });
    await queryClient.invalidateQueries({ queryKey: ['branding'] });
  };
  const save = useMutation({
    mutationFn: () =>
      patch<DomainView>(path, { branding: { productName: productName || null, primaryColor: primaryColor || null, accentColor: accentColor || null } }, domain.version),
    onSuccess: async (updated) => {
      await refresh(updated);
      draft.reset();
      notifications.show({ message: 'Branding saved', color: 'teal' });
    },
  });
  const upload = useMutation({
    mutationFn: async (file: File) => put<DomainView>(`${path}/logo`, { contentType: file.type, data: await readAsBase64(file) }),
    onSuccess: refresh,
  });
  const removeLogo = useMutation({
    mutationFn: () => del<DomainView>(`${path}/logo`),
    onSuccess: refresh,
  });
  const errors = formErrors(save.error, ['productName', 'primaryColor', 'accentColor'], {
    'branding.productName': 'productName',
    'branding.primaryColor': 'primaryColor',
    'branding.accentColor': 'accentColor',
  });
  const logoErrors = formErrors(upload.error ?? removeLogo.error, ['data', 'contentType']);
  const previewPrimary = HEX.test(primaryColor) ? primaryColor : DEFAULT_PRIMARY;
  const previewAccent = HEX.test(accentColor) ? accentColor : '#f1f3f5';
  const hasLogo = domain.branding.hasLogo;

  return (
    <Paper withBorder p="md">
      <Title order={3} size="h4" mb="xs">
        Branding
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack>
          <TextInput label="Product name" placeholder="Schoolmail" value={productName} onChange={(e) => draft.set('productName', e.currentTarget.value)} error={errors.byField.productName} disabled={!canUpdate} />
          <ColorInput label="Primary colour" placeholder="#1a5fb4" value={primaryColor} onChange={(value) => draft.set('primaryColor', value)} error={errors.byField.primaryColor} disabled={!canUpdate} format="hex" withEyeDropper={false} fixOnBlur={false} />
          <ColorInput label="Accent colour" placeholder="#f1f3f5" value={accentColor} onChange={(value) => draft.set('accentColor', value)} error={errors.byField.accentColor} disabled={!canUpdate} format="hex" withEyeDropper={false} fixOnBlur={false} />
          <FormError message={errors.general} />
          {canUpdate ? (
            <Group>
              <Button loading={save.isPending} onClick={() => save.mutate()}>
                Save branding
              </Button>
              <FileButton onChange={(file) => file && upload.mutate(file)} accept="image/png,image/jpeg,image/webp,image/gif">
                {(props) => (
                  <Button variant="default" loading={upload.isPending} {...props}>
                    Upload logo
                  </Button>
                )}
              </FileButton>
              {hasLogo ? (
                <Button variant="outline" color="red.9" loading={removeLogo.isPending} onClick={() => removeLogo.mutate()}>
                  Remove logo
                </Button>
              ) : null}
            </Group>
          ) : null}
          {logoErrors.byField.data || logoErrors.byField.contentType || logoErrors.general ? (
            <Alert color="red" role="alert">
              Logo: {logoErrors.byField.data ?? logoErrors.byField.contentType ?? logoErrors.general}
            </Alert>
          ) : null}
          <Text size="xs" c="dimmed">
            PNG, JPEG, WebP or GIF, at most 256 KB. Sub-domains use these unless they set their own.
          </Text>
        </Stack>
        <Box aria-label="Sign-in page preview" role="img" p="md" style={{ background: previewAccent, borderRadius: 8 }} data-testid="branding-preview">
          <Paper p="md" shadow="sm" style={{ borderTop: `6px solid ${previewPrimary}` }}>
            {hasLogo ? <Image src={`/api/v1/branding/logo?domain=${encodeURIComponent(domain.name)}&v=${domain.version}`} alt="" h={40} w="auto" fit="contain" mb="xs" /> : null}
            <Text fw={700} size="lg">
              {productName || 'Schoolmail'}
            </Text>
            <Box mt="sm" h={28} style={{ background: previewPrimary, borderRadius: 4 }} />
          </Paper>
        </Box>
      </SimpleGrid>
    </Paper>
  );
}
