import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type ListOperation = paths['/api/admin/creators']['get'];
export type AdminCreatorsQuery = NonNullable<ListOperation['parameters']['query']>;
export type AdminCreatorsPage = ListOperation['responses'][200]['content']['application/json'];
export type AdminCreator = AdminCreatorsPage['data'][number];
export type OnboardingState = AdminCreator['onboarding']['state'];
export type CreatorContext = paths['/api/admin/creators/{id}']['get']['responses'][200]['content']['application/json'];
export type CreateCreatorBody = paths['/api/creators']['post']['requestBody']['content']['application/json'];
export type CreateCreatorReply = paths['/api/creators']['post']['responses'][201]['content']['application/json'];

export const adminCreatorsQueryKey = [...adminQueryKey, 'creators'] as const;

/** One page of creators (`GET /api/admin/creators`), newest first, searched by name, email or id. */
export function useAdminCreators(query: AdminCreatorsQuery) {
  return useQuery({
    queryKey: [...adminCreatorsQueryKey, 'list', query],
    queryFn: () => unwrap(api.GET('/api/admin/creators', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Choices for a "creator" filter: the first page of creators by name (a link from the creators page covers the rest). */
export function useCreatorOptions(): { id: string; name: string }[] {
  const creators = useAdminCreators({ limit: 200 });
  return (creators.data?.data ?? []).map((creator) => ({ id: creator.creatorId, name: creator.name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The context panel beside the approval queue: account age, earnings, payouts, refunds and disputes of one creator. */
export function useCreatorContext(creatorId: string | undefined, currency: string | undefined) {
  return useQuery({
    queryKey: [...adminCreatorsQueryKey, 'context', creatorId, currency],
    queryFn: () => unwrap(api.GET('/api/admin/creators/{id}', { params: { path: { id: creatorId! }, query: currency ? { currency } : {} } })),
    enabled: creatorId !== undefined,
  });
}

/** Add a creator (`POST /api/creators` as an admin): the reply carries the Stripe onboarding link to send them. */
export function useCreateCreator() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCreatorBody) => unwrap(api.POST('/api/creators', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminCreatorsQueryKey }),
  });
}
