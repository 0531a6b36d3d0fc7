/** Text as HTML: what the mails' HTML part and the account pages write around any text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
