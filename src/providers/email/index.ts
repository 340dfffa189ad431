export { EmailSendError, mailboxTransport, smtpTransport, type EmailTransport, type OutgoingEmail } from './email-transport.js';
