/** Comparing secrets without leaking, through timing, how much of them matched (workerd's timingSafeEqual). */
const encoder = new TextEncoder();

export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}
