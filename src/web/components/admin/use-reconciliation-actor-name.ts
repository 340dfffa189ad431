import { useMe } from '../../api/session';
import { useReconciliationTranslation } from '../../i18n/reconciliation';

/**
 * Who started a run or accepted a difference, as the service records it (`user:usr_…`,
 * `system:reconcile`, `cli`, `api_key:…`): "you", "the daily job", "the command line", else the
 * actor itself; nobody known: "another admin".
 */
export function useReconciliationActorName(): (actor: string | null | undefined) => string {
  const { t } = useReconciliationTranslation();
  const myActor = useMe().data?.principal.actor;
  return (actor) => {
    if (!actor) return t('run.someone');
    if (actor === myActor) return t('run.you');
    if (actor === 'system' || actor.startsWith('system:')) return t('run.scheduled');
    if (actor === 'cli') return t('run.commandLine');
    return actor;
  };
}
