export { AppError, isAppError, type AppErrorKind, type AppErrorOptions } from './app-error.js';
