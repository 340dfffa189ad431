import type { NotificationLocale } from '../catalog.js';
import { dashboardPaths } from './dashboard-paths.js';
import type { Localized } from './define-template.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph } from './layout.js';
import type { LocaleFormat } from './locale-format.js';
import type { PayloadFields } from './payload-fields.js';

/**
 * Admin alerts of the platform balance check (src/services/balance/check-platform-balance.ts,
 * docs/balance.md, seed 002 §5): the available Stripe balance below a threshold of seed 002's
 * table, below the reserve kept for what creators are owed, or projected to fall below it. Every
 * payload carries the same figures (`amount` is the available balance, in `currency`), so the
 * four share their details.
 */

interface DetailLabels {
  available: string;
  pending: string;
  obligations: string;
  reserve: (percent: string | null) => string;
  shortfall: string;
  trend: string;
  reserveBreach: string;
  runOut: string;
  creators: string;
  withoutAccount: string;
  checkedAt: string;
}

const detailLabels: Localized<DetailLabels> = {
  en: {
    available: 'Available balance',
    pending: 'Pending at Stripe',
    obligations: 'Owed to creators',
    reserve: (percent) => (percent ? `Required reserve (${percent} of what is owed)` : 'Required reserve'),
    shortfall: 'Missing to cover the reserve',
    trend: 'Average change per day (last 7 days)',
    reserveBreach: 'Projected below the reserve on',
    runOut: 'Projected unable to pay what is due on',
    creators: 'Creators owed',
    withoutAccount: 'Of whom without a payout-enabled account',
    checkedAt: 'Checked',
  },
  fr: {
    available: 'Solde disponible',
    pending: 'En attente chez Stripe',
    obligations: 'Dû aux créateurs',
    reserve: (percent) => (percent ? `Réserve requise (${percent} des sommes dues)` : 'Réserve requise'),
    shortfall: 'Manque pour couvrir la réserve',
    trend: 'Variation moyenne par jour (7 derniers jours)',
    reserveBreach: 'Sous la réserve prévu le',
    runOut: 'Incapable de payer les sommes dues prévu le',
    creators: 'Créateurs à payer',
    withoutAccount: 'Dont sans compte de versement activé',
    checkedAt: 'Vérifié le',
  },
};

const percentFormats = new Map<NotificationLocale, Intl.NumberFormat>();

/** A whole percentage in the language's style (`120%`, `120 %`). */
function percent(locale: NotificationLocale, value: number | null): string | null {
  if (value === null) return null;
  let format = percentFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    percentFormats.set(locale, format);
  }
  return format.format(value / 100);
}

/** The figures every balance alert shows, label by label (rows whose field is missing are left out). */
function balanceDetails(fields: PayloadFields, locale: NotificationLocale, format: LocaleFormat) {
  const l = detailLabels[locale];
  const creators = fields.count('creatorsWithUnpaidEarnings');
  const withoutAccount = fields.count('creatorsWithoutPayoutAccount');
  const shortfall = fields.isZero('shortfall') ? null : fields.moneyOrNull('shortfall');
  return (
    <Details
      locale={locale}
      rows={[
        [l.available, fields.moneyOrNull('amount')],
        [l.pending, fields.moneyOrNull('pending')],
        [l.obligations, fields.moneyOrNull('obligations')],
        [l.reserve(percent(locale, fields.count('reservePercent'))), fields.moneyOrNull('requiredReserve')],
        [l.shortfall, shortfall],
        [l.trend, fields.moneyOrNull('averageChange')],
        [l.reserveBreach, format.date(fields.text('reserveBreachDate'))],
        [l.runOut, format.date(fields.text('runOutDate'))],
        [l.creators, creators === null ? null : format.count(creators)],
        [l.withoutAccount, withoutAccount === null ? null : format.count(withoutAccount)],
        [l.checkedAt, fields.dateTimeOrNull('checkedAt')],
      ]}
    />
  );
}

const reasonsOf = (fields: PayloadFields) => new Set(fields.strings('reasons'));

/** `alert.balance_critical` (critical): the available balance is ≤ 0 (depleted), under the critical threshold, or under half the reserve. */
export const alertBalanceCritical = defineTemplate({
  strings: {
    en: {
      subject: (depleted: boolean, amount: string) => (depleted ? `Platform balance depleted: ${amount} available` : `Platform balance below minimum threshold: ${amount} available`),
      title: (depleted: boolean): string => (depleted ? 'Platform balance depleted' : 'Platform balance below minimum threshold'),
      depleted: (amount: string, owed: string | null) =>
        `The platform’s available Stripe balance is ${amount}: nothing is left to pay creators${owed ? `, who are owed ${owed}` : ''}. Add funds to the Stripe balance now and hold payouts until it is topped up.`,
      critical: (amount: string, why: string | null) =>
        `The platform’s available Stripe balance is ${amount}${why ? `, ${why}` : ', critically low'}. Add funds to the Stripe balance within 24 hours and review the payouts waiting to be sent.`,
      underThreshold: (threshold: string) => `under the minimum of ${threshold}`,
      underHalfReserve: (reserve: string) => `under half the required reserve of ${reserve}`,
      action: 'Open the platform balance',
    },
    fr: {
      subject: (depleted, amount) => (depleted ? `Solde de la plateforme épuisé : ${amount} disponible` : `Solde de la plateforme sous le seuil minimal : ${amount} disponible`),
      title: (depleted) => (depleted ? 'Solde de la plateforme épuisé' : 'Solde de la plateforme sous le seuil minimal'),
      depleted: (amount, owed) =>
        `Le solde Stripe disponible de la plateforme est de ${amount} : il ne reste rien pour payer les créateurs${owed ? `, à qui ${owed} sont dus` : ''}. Approvisionnez le solde Stripe maintenant et suspendez les paiements jusque-là.`,
      critical: (amount, why) =>
        `Le solde Stripe disponible de la plateforme est de ${amount}${why ? `, ${why}` : ', un niveau critique'}. Approvisionnez le solde Stripe sous 24 heures et examinez les paiements en attente d’envoi.`,
      underThreshold: (threshold) => `sous le minimum de ${threshold}`,
      underHalfReserve: (reserve) => `sous la moitié de la réserve requise de ${reserve}`,
      action: 'Ouvrir le solde de la plateforme',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const depleted = fields.text('thresholdStatus') === 'depleted';
    const reasons = reasonsOf(fields);
    const threshold = fields.moneyOrNull('criticalThreshold');
    const reserve = fields.moneyOrNull('requiredReserve');
    const why = reasons.has('below_critical_threshold') && threshold ? t.underThreshold(threshold) : reasons.has('below_half_of_reserve') && reserve ? t.underHalfReserve(reserve) : null;
    const body = depleted ? t.depleted(amount, fields.moneyOrNull('obligations')) : t.critical(amount, why);
    return {
      subject: t.subject(depleted, amount),
      title: t.title(depleted),
      body,
      path: dashboardPaths.adminBalance(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {balanceDetails(fields, locale, format)}
        </>
      ),
    };
  },
});

/** `alert.balance_warning` (warning): under the warning threshold or 80 % of the reserve — or short of healthy (seed 002 leaves that band unnamed). */
export const alertBalanceWarning = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Platform balance below recommended level: ${amount} available`,
      title: 'Platform balance below recommended level',
      body: (amount: string, why: string | null) =>
        `The platform’s available Stripe balance is ${amount}${why ? `, ${why}` : ''}. Plan a transfer to the Stripe balance within 48 hours and watch it daily until it is healthy again.`,
      why: {
        below_warning_threshold: (threshold: string) => `under the warning level of ${threshold}`,
        below_80_percent_of_reserve: (reserve: string) => `under 80% of the required reserve of ${reserve}`,
        below_healthy_threshold: (threshold: string) => `under the healthy level of ${threshold}`,
        below_reserve: (reserve: string) => `under the required reserve of ${reserve}`,
      },
      action: 'Open the platform balance',
    },
    fr: {
      subject: (amount) => `Solde de la plateforme sous le niveau recommandé : ${amount} disponible`,
      title: 'Solde de la plateforme sous le niveau recommandé',
      body: (amount, why) =>
        `Le solde Stripe disponible de la plateforme est de ${amount}${why ? `, ${why}` : ''}. Prévoyez un virement vers le solde Stripe sous 48 heures et suivez-le chaque jour jusqu’à ce qu’il redevienne sain.`,
      why: {
        below_warning_threshold: (threshold) => `sous le seuil d’alerte de ${threshold}`,
        below_80_percent_of_reserve: (reserve) => `sous 80 % de la réserve requise de ${reserve}`,
        below_healthy_threshold: (threshold) => `sous le niveau sain de ${threshold}`,
        below_reserve: (reserve) => `sous la réserve requise de ${reserve}`,
      },
      action: 'Ouvrir le solde de la plateforme',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const reasons = reasonsOf(fields);
    const reserve = fields.moneyOrNull('requiredReserve');
    const warning = fields.moneyOrNull('warningThreshold');
    const healthy = fields.moneyOrNull('healthyThreshold');
    const why =
      reasons.has('below_warning_threshold') && warning
        ? t.why.below_warning_threshold(warning)
        : reasons.has('below_80_percent_of_reserve') && reserve
          ? t.why.below_80_percent_of_reserve(reserve)
          : reasons.has('below_healthy_threshold') && healthy
            ? t.why.below_healthy_threshold(healthy)
            : reasons.has('below_reserve') && reserve
              ? t.why.below_reserve(reserve)
              : null;
    const body = t.body(amount, why);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminBalance(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {balanceDetails(fields, locale, format)}
        </>
      ),
    };
  },
});

/** `alert.balance_below_reserve` (warning): the available balance no longer covers the reserve (120 % of what creators are owed). */
export const alertBalanceBelowReserve = defineTemplate({
  strings: {
    en: {
      subject: (amount: string, reserve: string | null) => (reserve ? `Platform balance of ${amount} below the reserve of ${reserve}` : `Platform balance of ${amount} below the reserve`),
      title: 'Platform balance below the reserve',
      body: (amount: string, owed: string | null, reserve: string | null, shortfall: string | null) =>
        `The platform keeps a reserve for what it owes creators${owed ? ` (${owed})` : ''}${reserve ? `: ${reserve}` : ''}. The available Stripe balance is ${amount}${shortfall ? `, ${shortfall} short. Add at least ${shortfall} to the Stripe balance.` : '. Add funds to the Stripe balance.'}`,
      action: 'Open the platform balance',
    },
    fr: {
      subject: (amount, reserve) => (reserve ? `Solde de la plateforme de ${amount} sous la réserve de ${reserve}` : `Solde de la plateforme de ${amount} sous la réserve`),
      title: 'Solde de la plateforme sous la réserve',
      body: (amount, owed, reserve, shortfall) =>
        `La plateforme garde une réserve pour ce qu’elle doit aux créateurs${owed ? ` (${owed})` : ''}${reserve ? ` : ${reserve}` : ''}. Le solde Stripe disponible est de ${amount}${shortfall ? `, il manque ${shortfall}. Ajoutez au moins ${shortfall} au solde Stripe.` : '. Approvisionnez le solde Stripe.'}`,
      action: 'Ouvrir le solde de la plateforme',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const reserve = fields.moneyOrNull('requiredReserve');
    const shortfall = fields.isZero('shortfall') ? null : fields.moneyOrNull('shortfall');
    const body = t.body(amount, fields.moneyOrNull('obligations'), reserve, shortfall);
    return {
      subject: t.subject(amount, reserve),
      title: t.title,
      body,
      path: dashboardPaths.adminBalance(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {balanceDetails(fields, locale, format)}
        </>
      ),
    };
  },
});

/**
 * `alert.balance_runout_projected` (warning): at its trend, the balance would fall below the
 * reserve — or stop covering what creators can claim as their earnings are released — within
 * the alert window. Seed 002's "Risk: Platform Balance May Deplete in X Days", sent before it happens.
 */
export const alertBalanceRunoutProjected = defineTemplate({
  strings: {
    en: {
      subject: (kind: 'reserve' | 'runout' | 'short', days: string | null, plural: Intl.LDMLPluralRule) => {
        if (kind === 'short') return 'Platform balance does not cover what creators can claim';
        const when = days === null ? 'soon' : plural === 'one' ? `in ${days} day` : `in ${days} days`;
        return kind === 'reserve' ? `Platform balance may fall below the reserve ${when}` : `Platform balance may run out ${when}`;
      },
      title: (kind: 'reserve' | 'runout' | 'short'): string =>
        kind === 'reserve' ? 'Platform balance projected below the reserve' : kind === 'runout' ? 'Platform balance projected to run out' : 'Platform balance short of what is payable',
      body: (amount: string, change: string | null, reserve: string | null, breach: string | null, runOut: string | null, shortfall: string | null) =>
        `${change ? `At its current trend (${change} a day), the` : 'At its current trend, the'} available balance of ${amount}` +
        `${breach ? ` would fall below the reserve${reserve ? ` of ${reserve}` : ''} on ${breach}` : ''}` +
        `${breach && runOut ? ' and' : ''}${runOut ? ` would no longer cover what creators can claim on ${runOut}${shortfall ? ` (${shortfall} short)` : ''}` : ''}` +
        `${breach || runOut ? '' : ' is heading below the reserve'}. Add funds before then, or slow the decline.`,
      short: (amount: string, shortfall: string | null) =>
        `The available balance of ${amount} does not cover what creators can already claim${shortfall ? ` (${shortfall} short)` : ''}. Add funds to the Stripe balance now.`,
      action: 'Open the platform balance',
    },
    fr: {
      subject: (kind, days, plural) => {
        if (kind === 'short') return 'Le solde de la plateforme ne couvre pas ce que les créateurs peuvent réclamer';
        const when = days === null ? 'bientôt' : plural === 'one' ? `dans ${days} jour` : `dans ${days} jours`;
        return kind === 'reserve' ? `Le solde de la plateforme pourrait passer sous la réserve ${when}` : `Le solde de la plateforme pourrait s’épuiser ${when}`;
      },
      title: (kind) =>
        kind === 'reserve' ? 'Solde de la plateforme prévu sous la réserve' : kind === 'runout' ? 'Épuisement du solde de la plateforme prévu' : 'Solde de la plateforme insuffisant pour les sommes dues',
      body: (amount, change, reserve, breach, runOut, shortfall) =>
        `${change ? `Au rythme actuel (${change} par jour), le` : 'Au rythme actuel, le'} solde disponible de ${amount}` +
        `${breach ? ` passerait sous la réserve${reserve ? ` de ${reserve}` : ''} le ${breach}` : ''}` +
        `${breach && runOut ? ' et' : ''}${runOut ? ` ne couvrirait plus ce que les créateurs peuvent réclamer le ${runOut}${shortfall ? ` (il manquerait ${shortfall})` : ''}` : ''}` +
        `${breach || runOut ? '' : ' se dirige vers la réserve'}. Approvisionnez le solde avant cette date, ou freinez la baisse.`,
      short: (amount, shortfall) =>
        `Le solde disponible de ${amount} ne couvre pas ce que les créateurs peuvent déjà réclamer${shortfall ? ` (il manque ${shortfall})` : ''}. Approvisionnez le solde Stripe maintenant.`,
      action: 'Ouvrir le solde de la plateforme',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const reserveDays = fields.count('reserveBreachInDays');
    const runOutDays = fields.count('runOutInDays');
    // The reserve is crossed first; once it is (now), what is left to foresee is the run-out — or it is already here.
    const kind = reserveDays !== null && reserveDays > 0 ? 'reserve' : runOutDays === 0 ? 'short' : runOutDays !== null ? 'runout' : 'reserve';
    const days = kind === 'reserve' ? reserveDays : runOutDays;
    const breach = reserveDays !== null && reserveDays > 0 ? format.date(fields.text('reserveBreachDate')) : null;
    const runOut = format.date(fields.text('runOutDate'));
    const shortfall = fields.isZero('runOutShortfall') ? null : fields.moneyOrNull('runOutShortfall');
    const body = kind === 'short' ? t.short(amount, shortfall) : t.body(amount, fields.moneyOrNull('averageChange'), fields.moneyOrNull('requiredReserve'), breach, runOut, shortfall);
    return {
      subject: t.subject(kind, days === null ? null : format.count(days), format.plural(days ?? 2)),
      title: t.title(kind),
      body,
      path: dashboardPaths.adminBalance(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {balanceDetails(fields, locale, format)}
        </>
      ),
    };
  },
});
