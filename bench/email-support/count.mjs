// Counts doiuse-email's errors (caniemail.com's "not supported") per mail client for one HTML
// file; VERBOSE=1 lists them. Usage: node count.mjs FILE.html
import { doIUseEmail } from 'doiuse-email';
import * as fs from 'node:fs';

const clients = ['gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'apple-mail.macos', 'apple-mail.ios',
  'outlook.windows', 'outlook.windows-mail', 'outlook.macos', 'outlook.ios', 'outlook.android', 'yahoo.desktop-webmail'];
const result = doIUseEmail(fs.readFileSync(process.argv[2], 'utf8'), { emailClients: clients });
const errors = result.errors ?? [];
for (const client of clients) {
  const count = errors.filter(error => error.includes('`' + client + '`')).length;
  console.log(`${client.padEnd(24)} ${count}`);
}
if (process.env.VERBOSE === '1') {
  [...new Set(errors)].forEach(error => console.log('  ' + error));
}
