// Replaced by the database template set-up (see test/database.ts).
export default async function setup(): Promise<void> {}
