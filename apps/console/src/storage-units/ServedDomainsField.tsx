'use client';
import { useState } from 'react';
import { Button, Fieldset, Group, Stack, Text } from '@mantine/core';
import { DomainSelect } from '@/domains/DomainSelect';

/**
 * The domains a unit stores mail for (and their sub-domains). None: a shared unit, which
 * stores the mail of every domain that has no unit of its own.
 */
export function ServedDomainsField(props: { domains: string[]; error?: string; onChange: (domains: string[]) => void }) {
  // The picker starts empty again after each pick (it keeps its own search text).
  const [picks, setPicks] = useState(0);
  const add = (domain: string | null) => {
    if (domain && !props.domains.includes(domain)) props.onChange([...props.domains, domain].sort());
    setPicks((n) => n + 1);
  };
  return (
    <Fieldset legend="Domains it serves">
      <Text size="sm" mb="sm">
        New mail of these domains and their sub-domains is stored on this unit. With no domain listed, it is a shared unit: it stores the mail of every domain that has no unit of its own. Removing a domain only
        changes where its new mail goes; its messages already here stay here.
      </Text>
      <Stack gap={4} mb="sm" component="ul" aria-label="Served domains" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {props.domains.length === 0 ? (
          <Text component="li" c="dimmed">
            None: shared unit
          </Text>
        ) : (
          props.domains.map((domain) => (
            <Group component="li" key={domain} gap="sm">
              <Text>{domain}</Text>
              <Button size="compact-sm" variant="default" aria-label={`Remove ${domain}`} onClick={() => props.onChange(props.domains.filter((d) => d !== domain))}>
                Remove
              </Button>
            </Group>
          ))
        )}
      </Stack>
      <DomainSelect key={picks} label="Add a domain" value={null} onChange={add} />
      {props.error ? (
        <Text c="red.9" size="sm" mt="xs" role="alert">
          {props.error}
        </Text>
      ) : null}
    </Fieldset>
  );
}
