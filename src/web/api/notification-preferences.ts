import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';

export type NotificationPreferences = paths['/api/notifications/preferences']['get']['responses'][200]['content']['application/json'];
export type NotificationPreference = NotificationPreferences['data'][number];
export type PreferenceChange = paths['/api/notifications/preferences']['put']['requestBody']['content']['application/json']['preferences'][number];
export type UnsubscribeReply = paths['/api/notifications/unsubscribe']['post']['responses'][200]['content']['application/json'];

export const notificationPreferencesQueryKey = ['notification-preferences'] as const;

/** The signed-in user's email setting per category (`GET /api/notifications/preferences`). */
export function useNotificationPreferences() {
  return useQuery({
    queryKey: notificationPreferencesQueryKey,
    queryFn: () => unwrap(api.GET('/api/notifications/preferences')),
  });
}

/** `PUT /api/notifications/preferences`: the categories named change, the others keep theirs. The reply is the whole new set. */
export function useSaveNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (preferences: PreferenceChange[]) => unwrap(api.PUT('/api/notifications/preferences', { body: { preferences } })),
    onSuccess: (saved) => queryClient.setQueryData(notificationPreferencesQueryKey, saved),
  });
}

/**
 * The one-click unsubscribe of an email's link (`POST /api/notifications/unsubscribe?token=`): no
 * session needed, the token is the credential. Works once; the service verifies the token.
 */
export function useUnsubscribe() {
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST('/api/notifications/unsubscribe', { params: { query: { token } } })),
  });
}
