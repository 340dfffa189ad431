import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { CSSProperties, ReactNode } from 'react';
import type { NotificationCategory, NotificationLocale, TopicSpec } from '../catalog.js';
import type { Localized, RecipientRole } from './define-template.js';

const PRODUCT_NAME = 'Payouts';

const layoutStrings: Localized<{
  greeting: (name: string | null) => string;
  banner: Record<'critical' | 'warning', string>;
  why: Record<RecipientRole, string>;
  criticalAlwaysSent: string;
  unsubscribe: Record<NotificationCategory, string>;
  stillInApp: string;
  detailSeparator: string;
}> = {
  en: {
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    banner: { critical: 'Critical: this needs action now', warning: 'Warning: please check' },
    why: {
      CREATOR: `You receive this email because you have a creator account on ${PRODUCT_NAME}.`,
      ADMIN: `You receive this email because you are an administrator of ${PRODUCT_NAME}.`,
      CUSTOMER: 'You receive this email about a booking you paid for.',
    },
    criticalAlwaysSent: 'This message is critical: it is sent even when email notifications are turned off.',
    unsubscribe: {
      payments: 'Unsubscribe from emails about earnings',
      payouts: 'Unsubscribe from emails about payouts',
      refunds_disputes: 'Unsubscribe from emails about refunds and disputes',
      alerts: 'Unsubscribe from alert emails',
    },
    stillInApp: 'You will still see these notifications in your dashboard.',
    detailSeparator: ': ',
  },
  fr: {
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    banner: { critical: 'Critique : action requise sans attendre', warning: 'Avertissement : à vérifier' },
    why: {
      CREATOR: `Vous recevez cet e-mail car vous avez un compte créateur sur ${PRODUCT_NAME}.`,
      ADMIN: `Vous recevez cet e-mail car vous administrez ${PRODUCT_NAME}.`,
      CUSTOMER: 'Vous recevez cet e-mail au sujet d’une réservation que vous avez payée.',
    },
    criticalAlwaysSent: 'Ce message est critique : il vous est envoyé même si vous avez désactivé les notifications par e-mail.',
    unsubscribe: {
      payments: 'Ne plus recevoir d’e-mails sur les gains',
      payouts: 'Ne plus recevoir d’e-mails sur les paiements',
      refunds_disputes: 'Ne plus recevoir d’e-mails sur les remboursements et les litiges',
      alerts: 'Ne plus recevoir les alertes par e-mail',
    },
    stillInApp: 'Vous continuerez à voir ces notifications dans votre tableau de bord.',
    detailSeparator: '\u00a0: ',
  },
};

const colors = { text: '#1f2937', muted: '#6b7280', border: '#e5e7eb', brand: '#111827', critical: '#b91c1c', criticalBg: '#fef2f2', warning: '#92400e', warningBg: '#fffbeb' };

const styles = {
  body: { backgroundColor: '#f3f4f6', fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif', color: colors.text, margin: 0, padding: '24px 0' },
  container: { backgroundColor: '#ffffff', border: `1px solid ${colors.border}`, borderRadius: '8px', maxWidth: '560px', padding: '0 32px' },
  header: { padding: '20px 0 12px', borderBottom: `1px solid ${colors.border}` },
  product: { fontSize: '18px', fontWeight: 700, color: colors.brand, margin: 0 },
  heading: { fontSize: '20px', lineHeight: '28px', fontWeight: 600, margin: '24px 0 8px' },
  paragraph: { fontSize: '15px', lineHeight: '24px', margin: '12px 0' },
  detail: { fontSize: '15px', lineHeight: '22px', margin: '4px 0' },
  quote: { fontSize: '15px', lineHeight: '24px', margin: '12px 0', padding: '8px 16px', borderLeft: `3px solid ${colors.border}`, color: colors.text, whiteSpace: 'pre-line' },
  button: { backgroundColor: colors.brand, borderRadius: '6px', color: '#ffffff', fontSize: '15px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' },
  footer: { fontSize: '12px', lineHeight: '18px', color: colors.muted, margin: '8px 0' },
  table: { borderCollapse: 'collapse', width: '100%', fontSize: '13px', margin: '12px 0' },
  cell: { borderBottom: `1px solid ${colors.border}`, padding: '6px 8px 6px 0', textAlign: 'left', verticalAlign: 'top' },
} satisfies Record<string, CSSProperties>;

const bannerStyles: Record<'critical' | 'warning', CSSProperties> = {
  critical: { backgroundColor: colors.criticalBg, color: colors.critical, border: `1px solid ${colors.critical}`, borderRadius: '6px', padding: '8px 12px', fontSize: '14px', fontWeight: 600, margin: '20px 0 0' },
  warning: { backgroundColor: colors.warningBg, color: colors.warning, border: `1px solid ${colors.warning}`, borderRadius: '6px', padding: '8px 12px', fontSize: '14px', fontWeight: 600, margin: '20px 0 0' },
};

export interface EmailLayoutProps {
  locale: NotificationLocale;
  role: RecipientRole;
  category: NotificationCategory;
  severity: TopicSpec['severity'];
  recipientName: string | null;
  title: string;
  preview: string;
  content: ReactNode;
  /** The button to the dashboard page, when there is one. */
  action: { label: string; url: string } | null;
  unsubscribeUrl: string | null;
}

/**
 * Every email: the product's name, a banner for critical and warning messages, the heading and
 * greeting, the topic's content, its button, and a footer saying why the recipient gets it and
 * how to stop (only for messages that can be turned off: critical ones have no unsubscribe link).
 */
export function EmailLayout(props: EmailLayoutProps) {
  const t = layoutStrings[props.locale];
  const banner = props.severity === 'critical' || props.severity === 'warning' ? props.severity : null;
  return (
    <Html lang={props.locale} dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <title>{props.title}</title>
      </Head>
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            <Text style={styles.product}>{PRODUCT_NAME}</Text>
          </Section>
          {banner && <Text style={bannerStyles[banner]}>{t.banner[banner]}</Text>}
          <Heading as="h1" style={styles.heading}>
            {props.title}
          </Heading>
          <Text style={styles.paragraph}>{t.greeting(props.recipientName)}</Text>
          {props.content}
          {props.action && (
            <Section style={{ margin: '24px 0' }}>
              <Button href={props.action.url} style={styles.button}>
                {props.action.label}
              </Button>
            </Section>
          )}
          <Hr style={{ borderColor: colors.border, margin: '24px 0 8px' }} />
          <Section style={{ paddingBottom: '16px' }}>
            <Text style={styles.footer}>{t.why[props.role]}</Text>
            {props.severity === 'critical' && <Text style={styles.footer}>{t.criticalAlwaysSent}</Text>}
            {props.unsubscribeUrl !== null && (
              <>
                <Text style={styles.footer}>
                  <Link href={props.unsubscribeUrl} style={{ color: colors.muted, textDecoration: 'underline' }}>
                    {t.unsubscribe[props.category]}
                  </Link>
                </Text>
                {props.role !== 'CUSTOMER' && <Text style={styles.footer}>{t.stillInApp}</Text>}
              </>
            )}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** A paragraph of the message. */
export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.paragraph}>{children}</Text>;
}

/**
 * Label–value lines ("Amount: €126.00", "Montant : 126,00 €"), one per line in the HTML and in
 * the plain text alike. Rows whose value is null are left out, so optional payload fields need
 * no conditionals in the templates.
 */
export function Details({ locale, rows }: { locale: NotificationLocale; rows: ReadonlyArray<readonly [label: string, value: string | null]> }) {
  const separator = layoutStrings[locale].detailSeparator;
  const shown = rows.filter((row): row is readonly [string, string] => row[1] !== null);
  if (shown.length === 0) return null;
  return (
    <Section style={{ margin: '16px 0' }}>
      {shown.map(([label, value]) => (
        <Text key={label} style={styles.detail}>
          <strong>
            {label}
            {separator}
          </strong>
          {value}
        </Text>
      ))}
    </Section>
  );
}

/** Someone's own words (an admin's notes, Stripe's failure message), set apart from ours. */
export function Quote({ children }: { children: ReactNode }) {
  return <blockquote style={styles.quote}>{children}</blockquote>;
}

/** A table of several items (e.g. payouts); the plain text gets it as a text table. */
export function ItemTable({ columns, rows }: { columns: readonly string[]; rows: ReadonlyArray<readonly string[]> }) {
  return (
    <table style={styles.table} data-text-format="dataTable">
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} style={styles.cell}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            {row.map((cell, column) => (
              <td key={column} style={styles.cell}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A short list (e.g. what Stripe asks for). */
export function BulletList({ items }: { items: readonly string[] }) {
  return (
    <ul style={{ fontSize: '15px', lineHeight: '24px', margin: '8px 0 12px', paddingLeft: '20px' }}>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}
