/**
 * The privacy policy's two contact addresses: docs/privacy-policy.txt names
 * them as `{privacyEmail}` and `{abuseEmail}`, and whoever shows the policy
 * fills them from the API's configuration (GET /v1/contacts, the worker's
 * PRIVACY_EMAIL and ABUSE_EMAIL).
 *
 *   fillPolicy(policyText, await api("GET /v1/contacts"));
 */
export interface PolicyContacts {
  privacyEmail: string;
  abuseEmail: string;
}

export const POLICY_PLACEHOLDERS = { privacyEmail: "{privacyEmail}", abuseEmail: "{abuseEmail}" } as const;

export function fillPolicy(text: string, contacts: PolicyContacts): string {
  return text
    .replaceAll(POLICY_PLACEHOLDERS.privacyEmail, contacts.privacyEmail)
    .replaceAll(POLICY_PLACEHOLDERS.abuseEmail, contacts.abuseEmail);
}
